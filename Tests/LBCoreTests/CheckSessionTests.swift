import LBConfig
import Testing
@testable import LBCore

/// A scripted server for `CheckSession`: what it sends on connect, what it answers to each send (in
/// pieces), and whether it then closes. When it has nothing more to say and stays open, the check times out.
struct ScriptedServer {
    var banner: [[UInt8]] = []
    var replies: [[[UInt8]]] = []
    var closes = false
    var refuses = false

    /// Runs `program` to its verdict; also returns every write the check made.
    func run(_ program: CheckProgram) -> (verdict: CheckVerdict, writes: [[UInt8]]) {
        var session = CheckSession(program: program, context: .init(host: "db1", unixTime: 0x0102_0304))
        var action = session.start()
        var pending: [[UInt8]] = []
        var replyIndex = 0
        var writes: [[UInt8]] = []
        for _ in 0..<100 {
            switch action {
            case .connect:
                if refuses { return (session.connectFailed(error: "Connection refused", timedOut: false), writes) }
                pending = banner
                action = session.connected()
            case .send(let bytes):
                writes.append(bytes)
                if replyIndex < replies.count {
                    pending += replies[replyIndex]
                    replyIndex += 1
                }
                action = session.resume()
            case .receive:
                if !pending.isEmpty {
                    action = session.received(pending.removeFirst())
                } else if closes {
                    action = session.inputClosed()
                } else {
                    return (session.timedOut(), writes)
                }
            case .finish(let verdict):
                return (verdict, writes)
            }
        }
        Issue.record("the check did not finish")
        return (CheckVerdict(status: .unknown), writes)
    }
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

func tcpCheck(_ rules: TCPCheckRule...) throws -> CheckProgram {
    var settings = HealthCheckSettings()
    settings.protocolCheck = .tcpCheck
    settings.tcpCheckRules = rules
    return try #require(try CheckProgram.compile(settings))
}

func program(_ check: ProtocolCheck) throws -> CheckProgram {
    var settings = HealthCheckSettings()
    settings.protocolCheck = check
    return try #require(try CheckProgram.compile(settings))
}

func expect(_ pattern: TCPCheckRule.Expect.Pattern, _ change: (inout TCPCheckRule.Expect) -> Void = { _ in }) -> TCPCheckRule {
    var rule = TCPCheckRule.Expect(pattern: pattern)
    change(&rule)
    return .expect(rule)
}

@Suite struct TCPCheckSessionTests {
    @Test func sendThenExpectPasses() throws {
        let check = try tcpCheck(.send(data: bytes("PING\r\n"), comment: nil), expect(.string(bytes("+PONG"))))
        let (verdict, writes) = ScriptedServer(replies: [[bytes("+PONG\r\n")]]).run(check)
        #expect(verdict == CheckVerdict(status: .layer7OK))
        #expect(writes == [bytes("PING\r\n")])
    }

    @Test func aStringSplitAcrossReadsIsAwaited() throws {
        let check = try tcpCheck(.send(data: bytes("PING\r\n"), comment: nil), expect(.string(bytes("+PONG"))))
        let (verdict, _) = ScriptedServer(replies: [[bytes("+P"), bytes("ON"), bytes("G\r\n")]]).run(check)
        #expect(verdict.status == .layer7OK)
    }

    @Test func mismatchReportsTheStepAndComment() throws {
        let check = try tcpCheck(.send(data: bytes("PING\r\n"), comment: nil),
                                 expect(.string(bytes("+PONG"))) { $0.comment = "pong" })
        let (verdict, _) = ScriptedServer(replies: [[bytes("-ERR unknown\r\n")]], closes: true).run(check)
        #expect(verdict == CheckVerdict(status: .layer7InvalidResponse, info: "TCPCHK did not match content '+PONG' at step 2 comment: pong"))
    }

    @Test func negatedMatchAndStatuses() throws {
        let check = try tcpCheck(expect(.binaryRegex("^2D")) { $0.negated = true; $0.minimumReceived = 1; $0.errorStatus = "L7STS" })
        let (refused, _) = ScriptedServer(banner: [bytes("-ERR")]).run(check)
        #expect(refused == CheckVerdict(status: .layer7WrongStatus, info: "TCPCHK matched unwanted content (binary regex) at step 1"))
        let (accepted, _) = ScriptedServer(banner: [bytes("+OK")]).run(check)
        #expect(accepted == CheckVerdict(status: .layer7OK))
    }

    @Test func minRecvZeroIsConclusiveAtOnce() throws {
        let waits = try tcpCheck(expect(.string(bytes("ready"))))
        let (timedOut, _) = ScriptedServer(banner: [bytes("hello, not ")]).run(waits)
        #expect(timedOut == CheckVerdict(status: .layer7Timeout, info: " at step 1 of tcp-check (expect string 'ready')"))
        let conclusive = try tcpCheck(expect(.string(bytes("ready"))) { $0.minimumReceived = 0 })
        let (failed, _) = ScriptedServer(banner: [bytes("hello, not ")]).run(conclusive)
        #expect(failed.status == .layer7InvalidResponse)
    }

    @Test func eachSendStartsANewResponse() throws {
        let check = try tcpCheck(.send(data: bytes("A\r\n"), comment: nil), expect(.string(bytes("+OK"))),
                                 .send(data: bytes("B\r\n"), comment: nil), expect(.string(bytes("+OK"))) { $0.minimumReceived = 0 })
        let (verdict, writes) = ScriptedServer(replies: [[bytes("+OK\r\n")], [bytes("-ERR\r\n")]], closes: true).run(check)
        #expect(verdict == CheckVerdict(status: .layer7InvalidResponse, info: "TCPCHK did not match content '+OK' at step 4"))
        #expect(writes == [bytes("A\r\n"), bytes("B\r\n")])
    }

    @Test func consecutiveExpectsReadTheSameResponse() throws {
        let check = try tcpCheck(.send(data: bytes("INFO\r\n"), comment: nil), expect(.string(bytes("redis_version"))),
                                 expect(.string(bytes("role:master"))))
        let (verdict, _) = ScriptedServer(replies: [[bytes("redis_version:7\r\n"), bytes("role:master\r\n")]]).run(check)
        #expect(verdict.status == .layer7OK)
    }

    @Test func connectionOutcomes() throws {
        let connectOnly = try tcpCheck()
        #expect(ScriptedServer().run(connectOnly).verdict == CheckVerdict(status: .layer4OK))
        let explicit = try tcpCheck(.connect(TCPCheckRule.Connect()))
        #expect(ScriptedServer().run(explicit).verdict == CheckVerdict(status: .layer4OK, info: "(tcp-check)"))
        let banner = try tcpCheck(expect(.string(bytes("+OK"))))
        #expect(ScriptedServer(refuses: true).run(banner).verdict
            == CheckVerdict(status: .layer4ConnectionProblem, info: "Connection refused at initial connection step of tcp-check"))
        var second = TCPCheckRule.Connect()
        second.port = 6380
        let twoPorts = try tcpCheck(.connect(TCPCheckRule.Connect()), .connect(second))
        var session = CheckSession(program: twoPorts, context: .init(host: "h", unixTime: 0))
        #expect(session.start() == .connect(CheckProgram.Connect()))
        guard case .connect(let next) = session.connected() else {
            Issue.record("expected a second connect")
            return
        }
        #expect(next.port == 6380)
        #expect(session.connectFailed(error: "Connection refused", timedOut: false)
            == CheckVerdict(status: .layer4ConnectionProblem, info: "Connection refused at step 2 of tcp-check (connect port 6380)"))
    }

    @Test func emptyResponse() throws {
        let check = try tcpCheck(.send(data: bytes("PING\r\n"), comment: nil), expect(.string(bytes("+PONG"))))
        let (verdict, _) = ScriptedServer(closes: true).run(check)
        #expect(verdict == CheckVerdict(status: .layer7InvalidResponse, info: "TCPCHK got an empty response at step 2"))
    }
}

@Suite struct ProtocolCheckSessionTests {
    @Test func redis() throws {
        let check = try program(.redis)
        let (up, writes) = ScriptedServer(replies: [[bytes("+PONG\r\n")]]).run(check)
        #expect(up == CheckVerdict(status: .layer7OK, info: "Redis server is ok"))
        #expect(writes == [bytes("*1\r\n$4\r\nPING\r\n")])
        let (down, _) = ScriptedServer(replies: [[bytes("-NOAUTH Authentication required.\r\n")]], closes: true).run(check)
        #expect(down == CheckVerdict(status: .layer7WrongStatus, info: "-NOAUTH Authentication required."))
    }

    @Test func smtp() throws {
        let check = try program(.smtp(greeting: "EHLO lb.example"))
        let (up, writes) = ScriptedServer(banner: [bytes("220 mail.example ESMTP\r\n")],
                                          replies: [[bytes("250-mail.example\r\n250 SIZE 1000\r\n")], [bytes("221 2.0.0 bye\r\n")]]).run(check)
        #expect(up == CheckVerdict(status: .layer7OK, code: 221, info: "2.0.0 bye"))
        #expect(writes == [bytes("EHLO lb.example\r\n"), bytes("QUIT\r\n")])
        let (noQuit, _) = ScriptedServer(banner: [bytes("220 mail.example ESMTP\r\n")],
                                         replies: [[bytes("250 mail.example\r\n")]], closes: true).run(check)
        #expect(noQuit == CheckVerdict(status: .layer7WrongStatus, info: "TCPCHK got an empty response at step 7"))
        let (refused, _) = ScriptedServer(banner: [bytes("554 5.3.2 go away\r\n")], closes: true).run(check)
        #expect(refused == CheckVerdict(status: .layer7WrongStatus, code: 554, info: "5.3.2 go away"))
        let (notSMTP, _) = ScriptedServer(banner: [bytes("SSH-2.0-OpenSSH\r\n")], closes: true).run(check)
        #expect(notSMTP == CheckVerdict(status: .layer7InvalidResponse, info: "SSH-2.0-OpenSSH"))
    }

    static func mysqlPacket(_ sequence: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [UInt8(payload.count & 0xFF), UInt8(payload.count >> 8 & 0xFF), UInt8(payload.count >> 16), sequence] + payload
    }

    static let greeting = mysqlPacket(0, [0x0A] + bytes("8.0.36") + [0x00] + [UInt8](repeating: 0x41, count: 40))

    @Test func mysqlGreetingOnly() throws {
        let check = try program(.mysql(user: nil, post41: true))
        let (up, writes) = ScriptedServer(banner: [Self.greeting]).run(check)
        #expect(up == CheckVerdict(status: .layer7OK))
        #expect(writes.isEmpty)
        let blocked = Self.mysqlPacket(0, [0xFF, 0x69, 0x04] + bytes("Host 'x' is blocked"))
        let (down, _) = ScriptedServer(banner: [blocked], closes: true).run(check)
        #expect(down == CheckVerdict(status: .layer7WrongStatus, code: 1129, info: "Host 'x' is blocked"))
    }

    @Test func mysqlLogin() throws {
        let check = try program(.mysql(user: "haproxy", post41: true))
        let ok = Self.mysqlPacket(2, [0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00])
        let (up, writes) = ScriptedServer(banner: [Self.greeting, ok]).run(check)
        #expect(up == CheckVerdict(status: .layer7OK))
        let login = try #require(writes.first)
        // Header (length 41 = 7 + 27 + 7 for "haproxy", sequence 1), capabilities, then the user name.
        #expect(Array(login.prefix(8)) == [41, 0, 0, 1, 0x00, 0x82, 0x00, 0x00])
        #expect(Array(login[36..<43]) == bytes("haproxy"))
        #expect(Array(login.suffix(5)) == [0x01, 0x00, 0x00, 0x00, 0x01])
        let denied = Self.mysqlPacket(2, [0xFF, 0x15, 0x04] + bytes("#28000Access denied for user 'haproxy'"))
        let (down, _) = ScriptedServer(banner: [Self.greeting, denied], closes: true).run(check)
        #expect(down == CheckVerdict(status: .layer7WrongStatus, code: 1045, info: "#28000Access denied for user 'haproxy'"))
    }

    @Test func postgres() throws {
        let check = try program(.postgres(user: "lb"))
        let (up, writes) = ScriptedServer(replies: [[[0x52, 0, 0, 0, 8, 0, 0, 0, 0]]]).run(check)
        #expect(up == CheckVerdict(status: .layer7OK, info: "PostgreSQL server is ok"))
        #expect(writes == [[0, 0, 0, 17, 0, 3, 0, 0] + bytes("user") + [0] + bytes("lb") + [0, 0]])
        let md5 = ScriptedServer(replies: [[[0x52, 0, 0, 0, 12, 0, 0, 0, 5, 1, 2, 3, 4]]]).run(check)
        #expect(md5.verdict.status == .layer7OK)
        let error: [UInt8] = [0x45, 0, 0, 0, 40] + bytes("SFATAL") + [0] + bytes("C28000") + [0] + bytes("Mno role") + [0, 0]
        let (down, _) = ScriptedServer(replies: [[error]], closes: true).run(check)
        #expect(down == CheckVerdict(status: .layer7InvalidResponse, info: "FATAL"))
    }

    @Test func ldap() throws {
        let check = try program(.ldap)
        let success: [UInt8] = [0x30, 0x0C, 0x02, 0x01, 0x01, 0x61, 0x07, 0x0A, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00]
        let (up, writes) = ScriptedServer(replies: [[success]]).run(check)
        #expect(up == CheckVerdict(status: .layer7OK))
        #expect(writes == [[0x30, 0x0C, 0x02, 0x01, 0x01, 0x60, 0x07, 0x02, 0x01, 0x03, 0x04, 0x00, 0x80, 0x00]])
        var invalidCredentials = success
        invalidCredentials[9] = 49
        let (down, _) = ScriptedServer(replies: [[invalidCredentials]], closes: true).run(check)
        #expect(down == CheckVerdict(status: .layer7WrongStatus, code: 49, info: "See RFC: http://tools.ietf.org/html/rfc4511#section-4.1.9"))
        let (notLDAP, _) = ScriptedServer(replies: [[bytes("HTTP/1.0 400 Bad Request\r\n\r\n")]], closes: true).run(check)
        #expect(notLDAP == CheckVerdict(status: .layer7InvalidResponse, info: "Not LDAPv3 protocol"))
    }

    @Test func sslHello() throws {
        let check = try program(.sslHello)
        let (up, writes) = ScriptedServer(replies: [[[0x15, 0x03, 0x00, 0x00, 0x02, 0x02, 0x46]]]).run(check)
        #expect(up == CheckVerdict(status: .layer6OK))
        let hello = try #require(writes.first)
        #expect(hello.count == 126)
        #expect(Array(hello.prefix(15)) == [0x16, 0x03, 0x00, 0x00, 0x79, 0x01, 0x00, 0x00, 0x75, 0x03, 0x00, 1, 2, 3, 4])
        let (down, _) = ScriptedServer(replies: [[bytes("HTTP/1.1 400 Bad Request\r\n")]], closes: true).run(check)
        #expect(down.status == .layer6InvalidResponse)
        let (silent, _) = ScriptedServer().run(check)
        #expect(silent.status == .layer6Timeout)
    }
}

@Suite struct HTTPCheckSessionTests {
    func http(_ expect: [String] = [], body: String? = nil) throws -> CheckProgram {
        var settings = HealthCheckSettings()
        settings.httpCheck = true
        settings.method = "GET"
        settings.uri = "/health"
        settings.version = "HTTP/1.1"
        settings.expect = expect
        settings.body = body
        return try #require(try CheckProgram.compile(settings))
    }

    @Test func statusDecides() throws {
        let (up, writes) = ScriptedServer(replies: [[bytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")]]).run(try http())
        #expect(up == CheckVerdict(status: .layer7OK, code: 200))
        #expect(writes == [bytes("GET /health HTTP/1.1\r\nHost: db1\r\nConnection: close\r\n\r\n")])
        let (down, _) = ScriptedServer(replies: [[bytes("HTTP/1.1 503 Service Unavailable\r\n\r\n")]]).run(try http())
        #expect(down == CheckVerdict(status: .layer7WrongStatus, code: 503, info: "Service Unavailable"))
        let (garbage, _) = ScriptedServer(replies: [[bytes("+PONG\r\n")]]).run(try http())
        #expect(garbage.status == .layer7InvalidResponse)
    }

    @Test func bodyMatchers() throws {
        let response = "HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\n"
        let check = try http(["string", "ready"])
        let (up, _) = ScriptedServer(replies: [[bytes(response), bytes("status: "), bytes("ready\n")]]).run(check)
        #expect(up == CheckVerdict(status: .layer7OK, code: 200))
        let (down, _) = ScriptedServer(replies: [[bytes(response + "status: draining")]]).run(check)
        #expect(down == CheckVerdict(status: .layer7InvalidResponse, code: 200, info: "HTTP content check did not match"))
        let regex = try http(["!", "rstring", "drain(ing)?"])
        let (unwanted, _) = ScriptedServer(replies: [[bytes("HTTP/1.0 200 OK\r\n\r\nstatus: draining")]], closes: true).run(regex)
        #expect(unwanted == CheckVerdict(status: .layer7InvalidResponse, code: 200, info: "HTTP check matched unwanted content"))
    }

    @Test func requestBody() throws {
        let (_, writes) = ScriptedServer(replies: [[bytes("HTTP/1.1 200 OK\r\n\r\n")]]).run(try http(body: "{}"))
        #expect(writes == [bytes("GET /health HTTP/1.1\r\nHost: db1\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}")])
    }
}

@Suite struct CheckProgramCompileTests {
    @Test func eachKindOfCheckGetsItsProgram() throws {
        var backend = Fixture.backend("b")
        var (plan, _) = ProxyPlan.compile(Configuration(proxies: [Fixture.frontend(defaultBackend: .name("b")), backend]))
        #expect(try #require(plan).backends[0].checkProgram == nil)
        backend.healthCheck.protocolCheck = .redis
        (plan, _) = ProxyPlan.compile(Configuration(proxies: [Fixture.frontend(defaultBackend: .name("b")), backend]))
        #expect(try #require(plan).backends[0].checkProgram?.steps.count == 3)
    }

    @Test func rulesWithoutTheOptionWarn() throws {
        var backend = Fixture.backend("b")
        backend.healthCheck.tcpCheckRules = [.send(data: bytes("PING\r\n"), comment: nil)]
        let (plan, diagnostics) = ProxyPlan.compile(Configuration(proxies: [Fixture.frontend(defaultBackend: .name("b")), backend]))
        #expect(plan != nil)
        #expect(diagnostics.map(\.message) == ["'tcp-check' rules have no effect without 'option tcp-check'"])
        #expect(diagnostics.first?.severity == .warning && diagnostics.first?.location.line == 50)
    }

    @Test func sslConnectWithoutTLSSettingsWarns() throws {
        var server = Fixture.server("s1")
        server.check = true
        var backend = Fixture.backend("b", servers: [server])
        var connect = TCPCheckRule.Connect()
        connect.ssl = true
        backend.healthCheck.protocolCheck = .tcpCheck
        backend.healthCheck.tcpCheckRules = [.connect(connect)]
        let (_, diagnostics) = ProxyPlan.compile(Configuration(proxies: [Fixture.frontend(defaultBackend: .name("b")), backend]))
        #expect(diagnostics.contains { $0.severity == .warning && $0.message.contains("needs TLS settings on server 's1'") },
                "\(diagnostics)")
    }
}
