import Foundation
import Testing
@testable import LBProxy

/// The runtime API on `stats socket`, driven with socat as operators drive HAProxy's.
@Suite(.serialized) struct RuntimeAPITests {
    static func socat(_ path: String, _ input: String) throws -> String {
        try ExternalTool.run("socat", ["-t", "2", "stdio", "unix-connect:\(path)"], input: input).output
    }

    static func config(port: Int, a: Int, b: Int, socket: String, level: String) -> String {
        """
        global
            stats socket \(socket) mode 600 level \(level)
        defaults
            mode http
            timeout connect 1s
            timeout client 5s
            timeout server 5s
        frontend fe
            bind 127.0.0.1:\(port)
            default_backend be
        backend be
            server a 127.0.0.1:\(a) weight 10
            server b 127.0.0.1:\(b) weight 10
        """
    }

    @Test func operatorsInspectAndChangeServers() async throws {
        let a = try await TestBackend(name: "a"), b = try await TestBackend(name: "b")
        let socket = NSTemporaryDirectory() + "lb-api-\(getpid())-1.sock"
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, a: a.port, b: b.port, socket: socket, level: "admin"))

        let info = try Self.socat(socket, "show info\n")
        #expect(info.contains("Name: lb\n"))
        #expect(info.contains("Pid: \(getpid())\n"))
        #expect(try Self.socat(socket, "show backend\n") == "# name\nbe\n")

        // Maintenance takes a server out of rotation; every request then goes to the other one.
        #expect(try Self.socat(socket, "set server be/a state maint\n") == "")
        for _ in 0..<4 {
            #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").bodyText == "b\n")
        }
        let state = try Self.socat(socket, "show servers state be\n")
        let lines = state.split(separator: "\n")
        #expect(lines.first == "1")
        #expect(lines[1].hasPrefix("# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state"))
        let rowA = try #require(lines.first { $0.hasPrefix("1 be 1 a ") })
        #expect(rowA.split(separator: " ")[6] == "1")  // admin state: forced maintenance
        #expect(try Self.socat(socket, "enable server be/a\n") == "")

        // Weights, in absolute and relative form, several commands on one line.
        #expect(try Self.socat(socket, "set weight be/a 5; get weight be/a\n") == "5 (initial 10)\n")
        #expect(try Self.socat(socket, "set weight be/a 50%; get weight be/a\n") == "5 (initial 10)\n")
        #expect(try Self.socat(socket, "set weight be/a 300\n") == "Weight is out of range (0-256).\n")
        #expect(try Self.socat(socket, "get weight be/zz\n") == "No such server.\n")
        #expect(try Self.socat(socket, "set server be/a state sideways\n").contains("expects 'ready', 'drain' and 'maint'"))

        // Interactive mode: a prompt after each answer, until quit.
        let session = try Self.socat(socket, "prompt\nget weight be/b\nquit\n")
        #expect(session == "\n> 10 (initial 10)\n\n> ")
        #expect(try Self.socat(socket, "frobnicate\n").hasPrefix("Unknown command: 'frobnicate'"))
        await lb.stop()
        await a.stop()
        await b.stop()
    }

    @Test func userLevelMayOnlyLook() async throws {
        let a = try await TestBackend(name: "a")
        let socket = NSTemporaryDirectory() + "lb-api-\(getpid())-2.sock"
        let lb = try await LBHarness.start(Self.config(port: freePort(), a: a.port, b: a.port, socket: socket, level: "user"))
        #expect(try Self.socat(socket, "disable server be/a\n") == "Permission denied\n")
        #expect(try Self.socat(socket, "get weight be/a\n") == "10 (initial 10)\n")
        let help = try Self.socat(socket, "help\n")
        #expect(help.contains("show info") && !help.contains("disable server"))
        await lb.stop()
        await a.stop()
    }
}
