import Foundation
import LBTestSupport
import Testing
@testable import LBProxy

/// The runtime API on `stats socket`, driven with socat as operators drive HAProxy's.
@Suite(.serialized) struct RuntimeAPITests {
    static func socat(_ path: String, _ input: String) throws -> String {
        try ExternalTool.run("socat", ["-t", "2", "stdio", "unix-connect:\(path)"], input: input).output
    }

    static func config(port: Int, a: Int, b: Int, socket: String, level: String) -> String {
        TestConfig.proxy(port: port, global: ["stats socket \(socket) mode 600 level \(level)"], backend: [
            "server a 127.0.0.1:\(a) weight 10",
            "server b 127.0.0.1:\(b) weight 10",
        ])
    }

    @Test func operatorsInspectAndChangeServers() async throws {
        let a = try await TestBackend(name: "a"), b = try await TestBackend(name: "b")
        let socket = NSTemporaryDirectory() + "lb-api-\(getpid())-1.sock"
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, a: a.port, b: b.port, socket: socket, level: "admin"))

        let info = try Self.socat(socket, "show info\n")
        #expect(info.contains("Name: lb\n"))
        #expect(info.contains("Pid: \(getpid())\n"))
        // As in HAProxy, every answer ends with an empty line.
        #expect(try Self.socat(socket, "show backend\n") == "# name\nbe\n\n")

        // Maintenance takes a server out of rotation; every request then goes to the other one.
        #expect(try Self.socat(socket, "set server be/a state maint\n") == "\n")
        for _ in 0..<4 {
            #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").bodyText == "b\n")
        }
        let state = try Self.socat(socket, "show servers state be\n")
        let lines = state.split(separator: "\n")
        #expect(lines.first == "1")
        #expect(lines[1].hasPrefix("# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state"))
        let rowA = try #require(lines.first { $0.hasPrefix("2 be 1 a ") })  // proxy id 2: the frontend is 1
        #expect(rowA.split(separator: " ")[6] == "1")  // admin state: forced maintenance
        #expect(try Self.socat(socket, "enable server be/a\n") == "\n")

        // A server without checks can be forced down, and up again, as in HAProxy.
        #expect(try Self.socat(socket, "set server be/b health down\n") == "\n")
        #expect(lb.balancer.runtime.statsSnapshot().backends[0].servers[1].status.text == "DOWN")
        for _ in 0..<4 {
            #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").bodyText == "a\n")
        }
        #expect(try Self.socat(socket, "set server be/b health up\n") == "\n")
        #expect(lb.balancer.runtime.statsSnapshot().backends[0].servers[1].status.text == "no check")

        // Weights, in absolute and relative form, several commands on one line.
        #expect(try Self.socat(socket, "set weight be/a 5; get weight be/a\n") == "\n5 (initial 10)\n\n")
        #expect(try Self.socat(socket, "set weight be/a 50%; get weight be/a\n") == "\n5 (initial 10)\n\n")
        #expect(try Self.socat(socket, "set weight be/a 300\n") == "Absolute weight can only be between 0 and 256 inclusive.\n\n")
        #expect(try Self.socat(socket, "get weight be/zz\n") == "No such server.\n\n")
        #expect(try Self.socat(socket, "set server be/a state sideways\n").contains("expects 'ready', 'drain' and 'maint'"))

        // Interactive mode: a prompt after each answer, until quit.
        let session = try Self.socat(socket, "prompt\nget weight be/b\nquit\n")
        #expect(session == "\n> 10 (initial 10)\n\n> ")
        #expect(try Self.socat(socket, "frobnicate\n").hasPrefix("Unknown command, but maybe one of the following ones is a better match:\n"))
        await lb.stop()
        await a.stop()
        await b.stop()
    }

    /// `set weight` republishes the balancer's snapshot at once: the very next requests follow the new
    /// rotation (3 to 1 here, so any 8 requests in a row are 6 and 2), and a server in maintenance is
    /// out of it until it is enabled again.
    @Test func weightAndStateChangesReachTheRotationAtOnce() async throws {
        let a = try await TestBackend(name: "a"), b = try await TestBackend(name: "b")
        let socket = NSTemporaryDirectory() + "lb-api-\(getpid())-4.sock"
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, a: a.port, b: b.port, socket: socket, level: "admin"))
        func answers(_ count: Int) throws -> [String] {
            try (0..<count).map { _ in try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").bodyText }
        }
        #expect(try answers(4) == ["a\n", "b\n", "a\n", "b\n"])
        #expect(try Self.socat(socket, "set weight be/a 30\n") == "\n")
        let weighted = try answers(8)
        #expect(weighted.filter { $0 == "a\n" }.count == 6, "\(weighted)")
        #expect(try Self.socat(socket, "disable server be/b\n") == "\n")
        #expect(try answers(4) == ["a\n", "a\n", "a\n", "a\n"])
        #expect(try Self.socat(socket, "enable server be/b\n") == "\n")
        #expect(try answers(8).filter { $0 == "b\n" }.count == 2)
        await lb.stop()
        await a.stop()
        await b.stop()
    }

    @Test func userLevelMayOnlyLook() async throws {
        let a = try await TestBackend(name: "a")
        let socket = NSTemporaryDirectory() + "lb-api-\(getpid())-2.sock"
        let lb = try await LBHarness.start(Self.config(port: freePort(), a: a.port, b: a.port, socket: socket, level: "user"))
        #expect(try Self.socat(socket, "disable server be/a\n") == "Permission denied\n\n")
        #expect(try Self.socat(socket, "get weight be/a\n") == "10 (initial 10)\n\n")
        let help = try Self.socat(socket, "help\n")
        #expect(help.contains("show info") && !help.contains("disable server"))
        await lb.stop()
        await a.stop()
    }

    /// `show sess` in TCP mode (listed from the accept) next to an idle HTTP connection (not listed: it has
    /// no request in progress), the stick table the TCP session filled, and key removal.
    @Test func sessionsAndTables() async throws {
        let echo = try await EchoServer.start()
        let socket = NSTemporaryDirectory() + "lb-api-\(getpid())-3.sock"
        let tcpPort = freePort(), httpPort = freePort()
        let lb = try await LBHarness.start("""
            global
                stats socket \(socket) mode 600 level admin
            defaults
                timeout connect 1s
                timeout client 5s
                timeout server 5s
            frontend tcp_in
                mode tcp
                bind 127.0.0.1:\(tcpPort)
                default_backend be
            frontend web
                mode http
                bind 127.0.0.1:\(httpPort)
                default_backend web_be
            backend web_be
                mode http
                server echo 127.0.0.1:\(echo.port)
            backend be
                mode tcp
                stick-table type ip size 10 expire 1m
                stick on src
                server echo 127.0.0.1:\(echo.port)
            """)
        let idle = try RawClient(port: httpPort)
        let client = try RawClient(port: tcpPort)
        try client.send("ping")
        while client.pending.count < 4, client.fill() {}

        let sessions = try Self.socat(socket, "show sess\n").split(separator: "\n")
        #expect(sessions.count == 1)
        let line = try #require(sessions.first)
        #expect(line.contains(" proto=tcpv4 src=127.0.0.1:"))
        #expect(line.contains(" fe=tcp_in be=be srv=echo ts=00 "))
        #expect(line.contains(" scb=[8,0h,fd=-1] "))  // connected to the server
        #expect(line.contains(" rc=0 c_exp="))
        let id = String(line.prefix { $0 != ":" })
        #expect(try Self.socat(socket, "show sess \(id)\n") == line + "\n\n")

        // Interactive mode keeps the order of the answers, even for one gathered from every loop.
        let interactive = try Self.socat(socket, "prompt\nshow sess\nget weight be/echo\nquit\n")
        #expect(interactive.hasPrefix("\n> \(id): proto=tcpv4 "))
        #expect(interactive.hasSuffix(" c_exp=\n\n> 1 (initial 1)\n\n> "))
        #expect(interactive.split(separator: "\n").count == 3)

        #expect(try Self.socat(socket, "show table\n") == "# table: be, type: ip, size:10, used:1\n\n")
        let table = try Self.socat(socket, "show table be\n").split(separator: "\n")
        #expect(table.count == 2)
        #expect(table.last?.contains(": key=127.0.0.1 use=0 exp=") == true)
        #expect(table.last?.hasSuffix(" server_id=1 server_key=echo") == true)
        #expect(try Self.socat(socket, "show table be data.server_id eq 2\n") == "# table: be, type: ip, size:10, used:1\n\n")
        #expect(try Self.socat(socket, "clear table be key 127.0.0.2\n") == "\n")
        #expect(try Self.socat(socket, "clear table be key 127.0.0.1\n") == "\n")
        #expect(try Self.socat(socket, "show table be\n") == "# table: be, type: ip, size:10, used:0\n\n")
        #expect(try Self.socat(socket, "show table web\n") == "No such table\n\n")
        _ = idle
        await lb.stop()
        await echo.stop()
    }

    @Test func shortDurations() {
        #expect(RuntimeAPI.humanTime(0) == "0s")
        #expect(RuntimeAPI.humanTime(59) == "59s")
        #expect(RuntimeAPI.humanTime(125) == "2m5s")
        #expect(RuntimeAPI.humanTime(3600) == "1h")
        #expect(RuntimeAPI.humanTime(3 * 86400 + 7200 + 60) == "3d2h")
    }
}
