import Foundation
import LBCore
import LBStats
import LBTestSupport
import NIOConcurrencyHelpers
import Testing
@testable import LBProxy

/// The protocol checks and `tcp-check` rule lists against real or scripted servers on loopback: each
/// proves a server goes UP with the right answer and DOWN with a wrong one, with HAProxy's status and
/// description in `show stat`.
@Suite(.serialized) struct ProtocolCheckTests {
    /// Starts lb in TCP mode with backend `be` checked by `check` lines, one server per port.
    static func start(_ check: [String], servers: [Int], serverOptions: String = "") async throws -> LBHarness {
        let lines = ["timeout check 500ms"] + check + servers.enumerated().map { index, port in
            "server s\(index + 1) 127.0.0.1:\(port) check inter 100ms fall 1 rise 1 \(serverOptions)"
        }
        return try await LBHarness.start(TestConfig.proxy(port: freePort(), mode: "tcp", timeouts: .init(connect: "500ms"), backend: lines))
    }

    /// The `show stat` fields of server `name`: `check_status`, `check_code`, and what the check found
    /// (`last_chk`; `check_desc` is the status in words).
    static func checkFields(_ lb: LBHarness, _ name: String) -> (status: String?, code: String?, description: String?) {
        let rows = StatRows.rows(lb.balancer.runtime.statsSnapshot())
        guard let row = rows.first(where: { $0.fields[1] == name }) else { return (nil, nil, nil) }
        func field(_ column: String) -> String? { row.fields[StatRows.columns.firstIndex(of: column)!] }
        return (field("check_status"), field("check_code"), field("last_chk"))
    }

    /// `check_desc` of server `name`.
    static func statusWords(_ lb: LBHarness, _ name: String) -> String? {
        let rows = StatRows.rows(lb.balancer.runtime.statsSnapshot())
        return rows.first { $0.fields[1] == name }?.fields[StatRows.columns.firstIndex(of: "check_desc")!]
    }

    /// Waits until server `index` has been judged `status`, with `healthy` following from it.
    static func settle(_ lb: LBHarness, server index: Int, _ status: CheckStatus) async throws -> ServerRuntime {
        let server = lb.balancer.runtime.backends[0].servers[index]
        try await waitUntil("server \(index + 1) checked \(status.name)") {
            server.lastCheck.load(ordering: .relaxed) == status.rawValue && server.healthy.load(ordering: .relaxed) == status.passed
        }
        return server
    }

    // MARK: Redis (the real server)

    /// A redis-server on a free port; `arguments` are added to its command line.
    final class Redis: Sendable {
        let process: ChildProcess
        let port: Int

        init(_ arguments: [String] = []) async throws {
            port = freePort()
            process = ChildProcess()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
            process.arguments = ["--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"] + arguments
            process.standardOutput = FileHandle.nullDevice
            try ProcessLaunch.run(process)
            let port = port
            try await waitUntil("redis-server to listen on \(port)") { (try? RawClient(port: port)) != nil }
        }

        /// A test instance keeps nothing worth a clean shutdown, and a child may inherit a blocked SIGTERM.
        func stop() { ProtocolCheckTests.kill(process) }
    }

    @Test func redisCheckAgainstRedisServer() async throws {
        let open = try await Redis()
        let locked = try await Redis(["--requirepass", "secret"])
        defer { open.stop(); locked.stop() }
        let lb = try await Self.start(["option redis-check"], servers: [open.port, locked.port])
        _ = try await Self.settle(lb, server: 0, .layer7OK)
        // Redis answers -NOAUTH and keeps the connection open: the check waits for +PONG until it times out,
        // as haproxy 2.6 does (checked side by side: L7TOUT, no code, no description).
        _ = try await Self.settle(lb, server: 1, .layer7Timeout)
        #expect(Self.checkFields(lb, "s1") == ("L7OK", "0", "Redis server is ok"))
        #expect(Self.statusWords(lb, "s1") == "Layer7 check passed")
        #expect(Self.checkFields(lb, "s2") == ("L7TOUT", nil, nil))
        #expect(Self.statusWords(lb, "s2") == "Layer7 timeout")
        let metrics = String(decoding: PrometheusRenderer.render(lb.balancer.runtime.statsSnapshot()), as: UTF8.self)
        #expect(metrics.contains("haproxy_server_check_code{proxy=\"be\",server=\"s1\"} 0\n"))
        #expect(!metrics.contains("haproxy_server_check_code{proxy=\"be\",server=\"s2\"}"))
        #expect(metrics.contains("haproxy_server_check_status{proxy=\"be\",server=\"s2\",state=\"L7TOUT\"} 1\n"))
        await lb.stop()
    }

    @Test func tcpCheckRulesAgainstRedisServer() async throws {
        let redis = try await Redis()
        defer { redis.stop() }
        let lb = try await Self.start([
            "option tcp-check",
            "tcp-check send PING\\r\\n",
            "tcp-check expect string +PONG",
            "tcp-check send info\\ replication\\r\\n",
            "tcp-check expect string role:master",
            "tcp-check send QUIT\\r\\n",
            "tcp-check expect string +OK",
        ], servers: [redis.port])
        _ = try await Self.settle(lb, server: 0, .layer7OK)
        #expect(Self.checkFields(lb, "s1") == ("L7OK", "0", nil))
        await lb.stop()

        // A replica is wanted: the master never says role:slave, and the check times out waiting for it.
        let replica = try await Self.start([
            "option tcp-check",
            "tcp-check send info\\ replication\\r\\n",
            "tcp-check expect string role:slave comment replica",
        ], servers: [redis.port])
        _ = try await Self.settle(replica, server: 0, .layer7Timeout)
        #expect(Self.checkFields(replica, "s1").description == " at step 2 of tcp-check (expect string 'role:slave') comment: 'replica'")
        await replica.stop()
    }

    @Test func tcpCheckConnectFailureNamesTheStep() async throws {
        let redis = try await Redis()
        defer { redis.stop() }
        let closed = freePort()
        let lb = try await Self.start([
            "option tcp-check",
            "tcp-check connect",
            "tcp-check send PING\\r\\n",
            "tcp-check expect string +PONG",
            "tcp-check connect port \(closed)",
        ], servers: [redis.port])
        _ = try await Self.settle(lb, server: 0, .layer4ConnectionProblem)
        #expect(Self.checkFields(lb, "s1").description == "Connection refused at step 4 of tcp-check (connect port \(closed))")
        await lb.stop()
    }

    @Test func sendProxyPrecedesTheCheck() async throws {
        let server = try await ProtocolServer.start(.init(reply: Array("+PONG\r\n".utf8), closeAfterReplies: false))
        let lb = try await Self.start([
            "option tcp-check",
            "tcp-check connect send-proxy",
            "tcp-check send PING\\r\\n",
            "tcp-check expect string +PONG",
        ], servers: [server.port])
        _ = try await Self.settle(lb, server: 0, .layer7OK)
        await lb.stop()
        // As haproxy sends it: the check connection's own addresses (checked side by side).
        let sent = String(decoding: server.received.withLockedValue { $0 }.prefix(2).joined(), as: UTF8.self)
        let pattern = #/^PROXY TCP4 127\.0\.0\.1 127\.0\.0\.1 [0-9]+ ([0-9]+)\r\nPING\r\n/#
        let match = try #require(sent.firstMatch(of: pattern), "\(sent)")
        #expect(Int(match.1) == server.port)
        await server.stop()
    }

    @Test(.enabled(if: PostgreSQLServer.available, "needs root and PostgreSQL (Debian package postgresql)"))
    func pgsqlCheckAgainstPostgreSQL() async throws {
        let postgres = try await PostgreSQLServer(port: freePort())
        defer { postgres.stop() }
        let trusted = try await Self.start(["option pgsql-check user lb"], servers: [postgres.port])
        _ = try await Self.settle(trusted, server: 0, .layer7OK)
        #expect(Self.checkFields(trusted, "s1") == ("L7OK", "0", "PostgreSQL server is ok"))
        await trusted.stop()
        // pg_hba.conf rejects this role: the server answers with an ErrorResponse.
        let rejected = try await Self.start(["option pgsql-check user ghost"], servers: [postgres.port])
        _ = try await Self.settle(rejected, server: 0, .layer7InvalidResponse)
        #expect(Self.checkFields(rejected, "s1") == ("L7RSP", nil, "FATAL"))
        await rejected.stop()
    }

    // MARK: Scripted servers

    /// Checks `server` UP with `good`, then DOWN once it answers `bad`; returns lb's view after each.
    func upThenDown(_ check: [String], good: ProtocolServer.Script, bad: ProtocolServer.Script, down: CheckStatus) async throws
        -> (up: (status: String?, code: String?, description: String?), down: (status: String?, code: String?, description: String?),
            received: [[UInt8]]) {
        let server = try await ProtocolServer.start(good)
        let lb = try await Self.start(check, servers: [server.port])
        _ = try await Self.settle(lb, server: 0, .layer7OK)
        let up = Self.checkFields(lb, "s1")
        server.script.withLockedValue { $0 = bad }
        _ = try await Self.settle(lb, server: 0, down)
        let failed = Self.checkFields(lb, "s1")
        await lb.stop()
        await server.stop()
        return (up, failed, server.received.withLockedValue { $0 })
    }

    static func mysqlPacket(_ sequence: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [UInt8(payload.count & 0xFF), UInt8(payload.count >> 8 & 0xFF), UInt8(payload.count >> 16), sequence] + payload
    }

    static let mysqlGreeting = mysqlPacket(0, [0x0A] + Array("8.0.36".utf8) + [0] + [UInt8](repeating: 0x41, count: 40))

    @Test func mysqlCheck() async throws {
        let ok = Self.mysqlPacket(2, [0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00])
        let denied = Self.mysqlPacket(2, [0xFF, 0x15, 0x04] + Array("#28000Access denied for user 'lb'".utf8))
        let result = try await upThenDown(["option mysql-check user lb"],
                                          good: .init(banner: Self.mysqlGreeting, reply: ok),
                                          bad: .init(banner: Self.mysqlGreeting, reply: denied), down: .layer7WrongStatus)
        #expect(result.up == ("L7OK", "0", nil))
        #expect(result.down.code == "1045" && result.down.description == "#28000Access denied for user 'lb'")
        // The login names the user and ends with COM_QUIT, so the server logs no aborted connection.
        let login = try #require(result.received.first)
        #expect(Array(login[36..<38]) == Array("lb".utf8) && Array(login.suffix(5)) == [1, 0, 0, 0, 1])
    }

    @Test func pgsqlCheck() async throws {
        let authenticationOK: [UInt8] = [0x52, 0, 0, 0, 8, 0, 0, 0, 0]
        let error: [UInt8] = [0x45, 0, 0, 0, 46] + Array("SFATAL".utf8) + [0] + Array("C28000".utf8) + [0]
            + Array("Mrole \"lb\" does not exist".utf8) + [0, 0]
        let result = try await upThenDown(["option pgsql-check user lb"], good: .init(reply: authenticationOK),
                                          bad: .init(reply: error), down: .layer7InvalidResponse)
        #expect(result.up.description == "PostgreSQL server is ok")
        #expect(result.down.description == "FATAL")
        #expect(result.received.first == [0, 0, 0, 17, 0, 3, 0, 0] + Array("user".utf8) + [0] + Array("lb".utf8) + [0, 0])
    }

    @Test func smtpCheck() async throws {
        let result = try await upThenDown(["option smtpchk EHLO lb.example"],
                                          good: .init(banner: Array("220 mail.example ESMTP\r\n".utf8),
                                                      replies: [Array("250-mail.example\r\n250 8BITMIME\r\n".utf8),
                                                                Array("221 2.0.0 bye\r\n".utf8)]),
                                          bad: .init(banner: Array("421 4.3.2 too busy\r\n".utf8)), down: .layer7WrongStatus)
        #expect(result.up == ("L7OK", "221", "2.0.0 bye"))
        #expect(result.down == ("L7STS", "421", "4.3.2 too busy"))
        #expect(Array(result.received.prefix(2)) == [Array("EHLO lb.example\r\n".utf8), Array("QUIT\r\n".utf8)])
    }

    @Test func ldapCheck() async throws {
        let success: [UInt8] = [0x30, 0x0C, 0x02, 0x01, 0x01, 0x61, 0x07, 0x0A, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00]
        var invalid = success
        invalid[9] = 49
        let result = try await upThenDown(["option ldap-check"], good: .init(reply: success), bad: .init(reply: invalid),
                                          down: .layer7WrongStatus)
        #expect(result.up == ("L7OK", "0", nil))
        #expect(result.down == ("L7STS", "49", "See RFC: http://tools.ietf.org/html/rfc4511#section-4.1.9"))
    }

    /// `openssl s_server` on `port` with a fresh certificate; `-www` answers `GET /` with a status page.
    static func startOpenSSL(port: Int, www: Bool = false) async throws -> ChildProcess {
        let certificate = try TestCertificate(name: "tls.example")
        let openssl = ChildProcess()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificate.certificatePath,
                             "-key", certificate.keyPath, "-quiet"] + (www ? ["-www"] : [])
        openssl.standardInput = Pipe()
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try ProcessLaunch.run(openssl)
        try await waitUntil("openssl s_server to listen") { (try? RawClient(port: port)) != nil }
        return openssl
    }

    /// SIGKILL while it runs: once Foundation reaped it, its pid may be another process's.
    static func kill(_ process: ChildProcess) {
        process.signal(SIGKILL)
        process.waitUntilExit()
    }

    @Test func tcpCheckOverTLS() async throws {
        let port = freePort()
        let openssl = try await Self.startOpenSSL(port: port, www: true)
        defer { Self.kill(openssl) }
        let notTLS = try await ProtocolServer.start(.init(reply: Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8)))
        let lb = try await Self.start([
            "option tcp-check",
            "tcp-check connect ssl",
            "tcp-check send GET\\ /\\ HTTP/1.0\\r\\n\\r\\n",
            "tcp-check expect string HTTP/1.0\\ 200",
        ], servers: [port, notTLS.port], serverOptions: "check-ssl verify none")
        _ = try await Self.settle(lb, server: 0, .layer7OK)
        _ = try await Self.settle(lb, server: 1, .layer6InvalidResponse)
        #expect(Self.checkFields(lb, "s2").description?.hasSuffix(" at step 1 of tcp-check (connect)") == true,
                "\(Self.checkFields(lb, "s2"))")
        await lb.stop()
        await notTLS.stop()
    }

    @Test func sslHelloCheckAgainstOpenSSL() async throws {
        let port = freePort()
        let openssl = try await Self.startOpenSSL(port: port)
        defer { Self.kill(openssl) }
        let notTLS = try await ProtocolServer.start(.init(reply: Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8)))
        let lb = try await Self.start(["option ssl-hello-chk"], servers: [port, notTLS.port])
        _ = try await Self.settle(lb, server: 0, .layer6OK)
        _ = try await Self.settle(lb, server: 1, .layer6InvalidResponse)
        #expect(Self.checkFields(lb, "s1").status == "L6OK")
        #expect(Self.checkFields(lb, "s2").status == "L6RSP")
        await lb.stop()
        await notTLS.stop()
    }

    @Test func httpCheckMatchesTheBody() async throws {
        let state = NIOLockedValueBox("ready")
        let backend = try await TestBackend(name: "app") { request in
            .send(TestBackend.response(status: 200, body: request.path == "/ready" ? state.withLockedValue { $0 } : "other"))
        }
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, timeouts: .init(connect: "500ms"), backend: [
            "option httpchk",
            "http-check send meth GET uri /ready ver HTTP/1.1 hdr Host app.example",
            "http-check expect string ready",
            "server s1 127.0.0.1:\(backend.port) check inter 100ms fall 1 rise 1",
        ]))
        _ = try await Self.settle(lb, server: 0, .layer7OK)
        #expect(Self.checkFields(lb, "s1").code == "200")
        state.withLockedValue { $0 = "draining" }
        _ = try await Self.settle(lb, server: 0, .layer7InvalidResponse)
        #expect(Self.checkFields(lb, "s1").description == "HTTP content check did not match")
        #expect(backend.requests.contains { $0.requestLine == "GET /ready HTTP/1.1" })
        await lb.stop()
        await backend.stop()
    }
}
