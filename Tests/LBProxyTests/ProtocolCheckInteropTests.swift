import Foundation
import LBStats
import LBTestSupport
import Testing
@testable import LBProxy

/// haproxy 2.6 and lb check the same servers with the same backend sections (every protocol check, HTTP
/// checks on the status and the body, and tcp-check rules that pass, mismatch and fail to connect): both must report the same `check_status`,
/// `check_code` and `last_chk` for every server.
@Suite(.serialized, .enabled(if: RuntimeAPIInterop.haproxyPath != nil, "needs haproxy (Debian package haproxy)"))
struct ProtocolCheckInteropTests {
    typealias Fields = [String: (status: String, code: String, info: String)]

    static func haproxyFields(_ csv: String) -> Fields {
        var lines = csv.split(separator: "\n").map(String.init)
        guard !lines.isEmpty, lines[0].hasPrefix("# ") else { return [:] }
        let header = lines.removeFirst().dropFirst(2).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var fields: Fields = [:]
        for line in lines {
            let row = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard row.count == header.count, !["FRONTEND", "BACKEND"].contains(row[1]) else { continue }
            func field(_ name: String) -> String { row[header.firstIndex(of: name)!] }
            var status = field("check_status")
            if status.hasPrefix("* ") { status.removeFirst(2) }
            fields["\(row[0])/\(row[1])"] = (status, field("check_code"), field("last_chk"))
        }
        return fields
    }

    static func lbFields(_ lb: LBHarness) -> Fields {
        var fields: Fields = [:]
        for row in StatRows.rows(lb.balancer.runtime.statsSnapshot()) where !["FRONTEND", "BACKEND"].contains(row.fields[1] ?? "") {
            func field(_ name: String) -> String { row.fields[StatRows.columns.firstIndex(of: name)!] ?? "" }
            fields["\(field("pxname"))/\(field("svname"))"] = (field("check_status"), field("check_code"), field("last_chk"))
        }
        return fields
    }

    static func describe(_ fields: Fields) -> String {
        fields.keys.sorted().map { "\($0): \(fields[$0]!.status) code=\(fields[$0]!.code) info=\"\(fields[$0]!.info)\"" }
            .joined(separator: "\n")
    }

    @Test func sameVerdictsAsHAProxy() async throws {
        let open = try await ProtocolCheckTests.Redis()
        let locked = try await ProtocolCheckTests.Redis(["--requirepass", "secret"])
        defer { open.stop(); locked.stop() }
        let mysqlOK = ProtocolCheckTests.mysqlPacket(2, [0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00])
        let mysqlDenied = ProtocolCheckTests.mysqlPacket(2, [0xFF, 0x15, 0x04] + Array("#28000Access denied for user 'lb'".utf8))
        let pgError: [UInt8] = [0x45, 0, 0, 0, 46] + Array("SFATAL".utf8) + [0] + Array("C28000".utf8) + [0]
            + Array("Mrole \"lb\" does not exist".utf8) + [0, 0]
        let ldapSuccess: [UInt8] = [0x30, 0x0C, 0x02, 0x01, 0x01, 0x61, 0x07, 0x0A, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00]
        var ldapInvalid = ldapSuccess
        ldapInvalid[9] = 49
        let scripts: [String: ProtocolServer.Script] = [
            "smtp_ok": .init(banner: Array("220 mail.example ESMTP\r\n".utf8),
                             replies: [Array("250-mail.example\r\n250 8BITMIME\r\n".utf8), Array("221 2.0.0 bye\r\n".utf8)]),
            "smtp_no_quit": .init(banner: Array("220 mail.example ESMTP\r\n".utf8), replies: [Array("250 mail.example\r\n".utf8)],
                                  closeAfterReplies: false),
            "smtp_busy": .init(banner: Array("421 4.3.2 too busy\r\n".utf8)),
            "smtp_other": .init(banner: Array("SSH-2.0-OpenSSH_9.2\r\n".utf8)),
            "mysql_ok": .init(banner: ProtocolCheckTests.mysqlGreeting, reply: mysqlOK),
            "mysql_denied": .init(banner: ProtocolCheckTests.mysqlGreeting, reply: mysqlDenied),
            "pgsql_ok": .init(reply: [0x52, 0, 0, 0, 8, 0, 0, 0, 0]),
            "pgsql_error": .init(reply: pgError),
            "ldap_ok": .init(reply: ldapSuccess),
            "ldap_invalid": .init(reply: ldapInvalid),
            "ldap_http": .init(reply: Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8)),
            "err_and_close": .init(reply: Array("-ERR unknown command\r\n".utf8)),
        ]
        let web = try await TestBackend(name: "web") { request in
            .send(TestBackend.response(status: 200, body: request.path == "/ready" ? "status: ready" : "ok"))
        }
        let failing = try await TestBackend(name: "failing") { _ in
            .send(TestBackend.response(status: 503, reason: "Service Unavailable", body: "draining"))
        }
        var servers: [String: ProtocolServer] = [:]
        for (name, script) in scripts { servers[name] = try await ProtocolServer.start(script) }
        func port(_ name: String) -> Int { servers[name]!.port }
        let closed = freePort()
        let server = "check inter 100ms fall 1 rise 1"
        let backends = """
        backend redis
            option redis-check
            server open 127.0.0.1:\(open.port) \(server)
            server locked 127.0.0.1:\(locked.port) \(server)
        backend rules
            option tcp-check
            tcp-check comment ping\\ phase
            tcp-check send PING\\r\\n
            tcp-check expect string +PONG
            tcp-check send info\\ replication\\r\\n
            tcp-check expect rstring role:(master|slave)
            server open 127.0.0.1:\(open.port) \(server)
            server err 127.0.0.1:\(port("err_and_close")) \(server)
        backend second_connect
            option tcp-check
            tcp-check connect
            tcp-check send PING\\r\\n
            tcp-check expect binary 2b504f4e47
            tcp-check connect port \(closed) comment other\\ port
            server open 127.0.0.1:\(open.port) \(server)
        backend smtp
            option smtpchk EHLO lb.example
            server ok 127.0.0.1:\(port("smtp_ok")) \(server)
            server busy 127.0.0.1:\(port("smtp_busy")) \(server)
            server other 127.0.0.1:\(port("smtp_other")) \(server)
            server no_quit 127.0.0.1:\(port("smtp_no_quit")) \(server)
        backend http
            option httpchk GET /health
            server ok 127.0.0.1:\(web.port) \(server)
            server failing 127.0.0.1:\(failing.port) \(server)
        backend http_body
            option httpchk
            http-check send meth GET uri /ready
            http-check expect string ready
            server ok 127.0.0.1:\(web.port) \(server)
            server draining 127.0.0.1:\(failing.port) \(server)
        backend connect_only
            option tcp-check
            tcp-check connect
            server open 127.0.0.1:\(open.port) \(server)
        backend send_only
            option tcp-check
            tcp-check send PING\r\n
            server open 127.0.0.1:\(open.port) \(server)
        backend mysql
            option mysql-check user lb
            server ok 127.0.0.1:\(port("mysql_ok")) \(server)
            server denied 127.0.0.1:\(port("mysql_denied")) \(server)
        backend pgsql
            option pgsql-check user lb
            server ok 127.0.0.1:\(port("pgsql_ok")) \(server)
            server error 127.0.0.1:\(port("pgsql_error")) \(server)
        backend ldap
            option ldap-check
            server ok 127.0.0.1:\(port("ldap_ok")) \(server)
            server invalid 127.0.0.1:\(port("ldap_invalid")) \(server)
            server http 127.0.0.1:\(port("ldap_http")) \(server)

        """
        let defaults = """
        defaults
            mode tcp
            timeout connect 1s
            timeout client 5s
            timeout server 5s
            timeout check 500ms

        """
        let directory = NSTemporaryDirectory() + "lb-check-interop-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socket = directory + "/admin.sock"
        let configPath = directory + "/haproxy.cfg"
        try ("global\n    stats socket \(socket) mode 600 level admin\n" + defaults + backends)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let haproxy = ChildProcess()
        haproxy.executableURL = URL(fileURLWithPath: RuntimeAPIInterop.haproxyPath!)
        haproxy.arguments = ["-db", "-f", configPath]
        haproxy.standardOutput = FileHandle.nullDevice
        haproxy.standardError = FileHandle.nullDevice
        try ProcessLaunch.run(haproxy)
        defer { haproxy.stop() }
        let lb = try await LBHarness.start(defaults + backends)

        // Both have run a few checks of every server when their reports agree; they never agree otherwise.
        var haproxyView: Fields = [:], lbView: Fields = [:]
        let agreed: Bool
        do {
            try await RuntimeAPIInterop.waitFor("lb and haproxy to report the same checks") {
                haproxyView = Self.haproxyFields(try RuntimeAPITests.socat(socket, "show stat\n"))
                lbView = Self.lbFields(lb)
                return haproxyView.count == 22 && Self.describe(haproxyView) == Self.describe(lbView)
            }
            agreed = true
        } catch {
            agreed = false
        }
        #expect(agreed, "haproxy:\n\(Self.describe(haproxyView))\nlb:\n\(Self.describe(lbView))")
        // Both sent the same bytes: the MySQL login, the PostgreSQL StartupMessage and the LDAP bind are
        // each one write, so every connection to these servers brought one identical chunk.
        for name in ["mysql_ok", "pgsql_ok", "ldap_ok"] {
            let chunks = servers[name]!.received.withLockedValue { $0 }
            #expect(chunks.count >= 4 && Set(chunks).count == 1, "\(name): \(Set(chunks))")
        }
        // The verdicts compared are the interesting ones, not all the same.
        #expect(Set(lbView.values.map(\.status)) == ["L4OK", "L7OK", "L7TOUT", "L7RSP", "L7STS", "L4CON"], "\(Self.describe(lbView))")
        await lb.stop()
        for server in servers.values { await server.stop() }
        await web.stop()
        await failing.stop()
    }
}
