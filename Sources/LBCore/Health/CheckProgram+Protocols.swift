/// The protocol checks, each as the rule list HAProxy builds for it: the same exchange, statuses and
/// messages, run by the same engine as user-written `tcp-check` rules.
extension CheckProgram {
    /// `option redis-check`: PING, and the reply must be `+PONG`.
    static var redis: CheckProgram {
        var expect = Expect(matcher: .bytes(Array("+PONG\r\n".utf8)))
        expect.described = ("string", "+PONG\r\n")
        expect.errorStatus = .layer7WrongStatus
        expect.onError = .responseLine(from: 0)
        expect.onSuccess = .text("Redis server is ok")
        return CheckProgram(steps: [implicitConnect, Step(.send(.bytes(Array("*1\r\n$4\r\nPING\r\n".utf8))), number: 1),
                                    Step(.expect(expect), number: 2)], reportsSteps: false)
    }

    /// `option mysql-check [user U [post-41|pre-41]]`: without a user, the greeting packet alone decides;
    /// with one, a login without password followed by QUIT, and the reply must not be an error packet.
    static func mysql(user: String?, post41: Bool) -> CheckProgram {
        var steps = [Step(.connect(connectWithServerSettings), number: 1)]
        if let user {
            let name = Array(user.utf8)
            var login: [UInt8]
            if post41 {
                login = [0x00, 0x82, 0x00, 0x00, 0x00, 0x80, 0x00, 0x01, 0x21] + [UInt8](repeating: 0, count: 23)
            } else {
                login = [0x00, 0x80, 0x00, 0x00, 0x01]
            }
            login += name + [0x00, 0x00]
            let length = login.count
            let packet = [UInt8(length & 0xFF), UInt8((length >> 8) & 0xFF), UInt8((length >> 16) & 0xFF), 0x01] + login
            let quit: [UInt8] = [0x01, 0x00, 0x00, 0x00, 0x01]
            steps.append(Step(.send(.bytes(packet + quit)), number: 2))
        }
        steps.append(Step(.expect(Expect(matcher: .mysqlGreeting)), number: steps.count + 1))
        if user != nil { steps.append(Step(.expect(Expect(matcher: .mysqlReply)), number: steps.count + 1)) }
        return CheckProgram(steps: steps, reportsSteps: false)
    }

    /// `option pgsql-check user U`: a StartupMessage; an ErrorResponse fails, an authentication request
    /// (OK, cleartext, MD5...) passes.
    static func postgres(user: String) -> CheckProgram {
        let name = Array(user.utf8)
        let length = 15 + name.count
        let startup = [UInt8(length >> 24 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF),
                       0x00, 0x03, 0x00, 0x00] + Array("user".utf8) + [0x00] + name + [0x00, 0x00]
        var notError = Expect(matcher: .regex(builtIn("^E")))
        notError.negated = true
        notError.minimumReceived = 5
        notError.errorStatus = .layer7InvalidResponse
        notError.onError = .responseText(from: 6)
        var authentication = Expect(matcher: .hexRegex(builtIn("^52000000(08|0A|0C)000000(00|02|03|04|05|06)")))
        authentication.minimumReceived = 9
        authentication.errorStatus = .layer7WrongStatus
        authentication.onSuccess = .text("PostgreSQL server is ok")
        authentication.onError = .text("PostgreSQL unknown error")
        return CheckProgram(steps: [Step(.connect(connectWithServerSettings), number: 1), Step(.send(.bytes(startup)), number: 2),
                                    Step(.expect(notError), number: 3), Step(.expect(authentication), number: 4)],
                            reportsSteps: false)
    }

    /// `option smtpchk`: the greeting must be a 2xx line, then `HELO`/`EHLO` and `QUIT` must be answered
    /// with 2xx (haproxy 2.6 ends the session with QUIT, so the server logs no aborted connection).
    static func smtp(greeting: String) -> CheckProgram {
        var banner = Expect(matcher: .regex(builtIn("^[0-9]{3}[ \r]")))
        banner.minimumReceived = 4
        banner.errorStatus = .layer7InvalidResponse
        banner.onError = .responseLine(from: 0)
        var ready = Expect(matcher: .regex(builtIn("^2[0-9]{2}[ \r]")))
        ready.minimumReceived = 4
        ready.errorStatus = .layer7WrongStatus
        ready.onError = .responseLine(from: 4)
        ready.codeFromResponse = true
        var reply = Expect(matcher: .regex(builtIn("^2[0-9]{2}[- \r]")))
        reply.minimumReceived = 4
        reply.errorStatus = .layer7WrongStatus
        reply.onError = .responseLine(from: 4)
        reply.onSuccess = .responseLine(from: 4)
        reply.codeFromResponse = true
        return CheckProgram(steps: [Step(.connect(connectWithServerSettings), number: 1), Step(.expect(banner), number: 2),
                                    Step(.expect(ready), number: 3), Step(.send(.bytes(Array("\(greeting)\r\n".utf8))), number: 4),
                                    Step(.expect(reply), number: 5), Step(.send(.bytes(Array("QUIT\r\n".utf8))), number: 6),
                                    Step(.expect(reply), number: 7)],
                            reportsSteps: false)
    }

    /// `option ldap-check`: an anonymous simple bind, and the bind response must carry resultCode 0.
    static var ldap: CheckProgram {
        let bind: [UInt8] = [0x30, 0x0C, 0x02, 0x01, 0x01, 0x60, 0x07, 0x02, 0x01, 0x03, 0x04, 0x00, 0x80, 0x00]
        var sequence = Expect(matcher: .hexRegex(builtIn("^30")))
        sequence.minimumReceived = 14
        sequence.onError = .text("Not LDAPv3 protocol")
        return CheckProgram(steps: [implicitConnect, Step(.send(.bytes(bind)), number: 1), Step(.expect(sequence), number: 2),
                                    Step(.expect(Expect(matcher: .ldapBindResponse)), number: 3)],
                            reportsSteps: false)
    }

    /// `option ssl-hello-chk`: an SSLv3 client hello; any TLS handshake or alert record in reply passes at layer 6.
    static var sslHello: CheckProgram {
        var record = Expect(matcher: .hexRegex(builtIn("^1[56]")))
        record.minimumReceived = 5
        record.okStatus = .layer6OK
        record.errorStatus = .layer6InvalidResponse
        record.timeoutStatus = .layer6Timeout
        return CheckProgram(steps: [implicitConnect, Step(.send(.sslClientHello), number: 1), Step(.expect(record), number: 2)],
                            reportsSteps: false)
    }

    /// The SSLv3 client hello, with `unixTime` where the protocol puts the client's clock.
    static func sslClientHello(unixTime: UInt32) -> [UInt8] {
        var hello: [UInt8] = [0x16, 0x03, 0x00, 0x00, 0x79, 0x01, 0x00, 0x00, 0x75, 0x03, 0x00]
        hello += [UInt8(unixTime >> 24 & 0xFF), UInt8(unixTime >> 16 & 0xFF), UInt8(unixTime >> 8 & 0xFF), UInt8(unixTime & 0xFF)]
        hello += Array("HAPROXYSSLCHK\nHAPROXYSSLCHK\n".utf8)  // the 28 "random" bytes
        hello += [0x00, 0x00, 0x4E]  // no session id; 78 bytes of cipher suites
        for suite in Array(0x01...0x1B) + Array(0x2F...0x3A) { hello += [0x00, UInt8(suite)] }
        hello += [0x01, 0x00]  // one compression method: none
        return hello
    }

    private static var connectWithServerSettings: Connect {
        var connect = Connect()
        connect.useServerSettings = true
        return connect
    }

    /// A pattern written here, known to be valid.
    private static func builtIn(_ pattern: String) -> CompiledRegex {
        do {
            return try CompiledRegex(pattern)
        } catch {
            preconditionFailure("built-in check pattern '\(pattern)' does not compile: \(error)")
        }
    }
}
