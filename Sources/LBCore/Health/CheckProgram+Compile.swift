import LBConfig

extension CheckProgram {
    /// Why a check's rules cannot run.
    public struct CompileError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The program for a backend's check settings; nil for a plain connect check, which needs none.
    public static func compile(_ settings: HealthCheckSettings) throws(CompileError) -> CheckProgram? {
        switch settings.protocolCheck {
        case .tcpCheck?: return try compile(rules: settings.tcpCheckRules)
        case .redis?: return redis
        case .mysql(let user, let post41)?: return mysql(user: user, post41: post41)
        case .postgres(let user)?: return postgres(user: user)
        case .smtp(let greeting)?: return smtp(greeting: greeting)
        case .ldap?: return ldap
        case .sslHello?: return sslHello
        case nil:
            guard settings.httpCheck else { return nil }
            let expectation: HTTPCheckExpectation
            do {
                expectation = try HTTPCheckExpectation(settings.expect)
            } catch {
                throw CompileError(description: error.description)
            }
            let request = HTTPCheckRequest(method: settings.method, uri: settings.uri, version: settings.version,
                                           headers: settings.headers, body: settings.body)
            return CheckProgram(steps: [implicitConnect, Step(.send(.httpRequest(request)), number: 1),
                                        Step(.expect(Expect(matcher: .http(expectation))), number: 2)],
                                reportsSteps: false)
        }
    }

    /// The `tcp-check` lines of a section. A comment line names the rule after it; rules that do not start
    /// with a connect get one in front (step 0), as HAProxy adds it.
    static func compile(rules: [TCPCheckRule]) throws(CompileError) -> CheckProgram {
        var steps: [Step] = []
        var pendingComment: String?
        for (offset, rule) in rules.enumerated() {
            let number = offset + 1
            switch rule {
            case .comment(let text):
                pendingComment = text
            case .connect(let settings):
                var connect = Connect()
                connect.port = settings.port
                connect.ssl = settings.ssl
                connect.serverName = settings.sni
                connect.sendProxy = settings.sendProxy
                connect.useServerSettings = settings.useServerSettings
                steps.append(Step(.connect(connect), number: number, comment: settings.comment ?? pendingComment))
                pendingComment = nil
            case .send(let data, let comment):
                steps.append(Step(.send(.bytes(data)), number: number, comment: comment ?? pendingComment))
                pendingComment = nil
            case .expect(let settings):
                steps.append(Step(.expect(try expect(settings)), number: number, comment: settings.comment ?? pendingComment))
                pendingComment = nil
            }
        }
        if let first = steps.first, case .connect = first.action {} else {
            steps.insert(implicitConnect, at: 0)
        }
        return CheckProgram(steps: steps, reportsSteps: true)
    }

    private static func expect(_ settings: TCPCheckRule.Expect) throws(CompileError) -> Expect {
        func regex(_ pattern: String) throws(CompileError) -> CompiledRegex {
            do {
                return try CompiledRegex(pattern)
            } catch {
                throw CompileError(description: "invalid regular expression '\(pattern)' in 'tcp-check expect'")
            }
        }
        var expect: Expect
        switch settings.pattern {
        case .string(let bytes):
            expect = Expect(matcher: .bytes(bytes))
            expect.described = ("string", String(decoding: bytes, as: UTF8.self))
        case .binary(let bytes):
            expect = Expect(matcher: .bytes(bytes))
            expect.described = ("binary", hex(bytes))
        case .regex(let pattern):
            expect = Expect(matcher: .regex(try regex(pattern)))
            expect.described = ("regex", nil)
        case .binaryRegex(let pattern):
            expect = Expect(matcher: .hexRegex(try regex(pattern)))
            expect.described = ("binary regex", nil)
        }
        expect.negated = settings.negated
        expect.minimumReceived = settings.minimumReceived
        expect.okStatus = settings.okStatus.flatMap(CheckStatus.init(name:))
        expect.errorStatus = settings.errorStatus.flatMap(CheckStatus.init(name:))
        expect.timeoutStatus = settings.timeoutStatus.flatMap(CheckStatus.init(name:))
        expect.onSuccess = settings.onSuccess.map(Message.text)
        expect.onError = settings.onError.map(Message.text)
        return expect
    }

    /// Upper-case hexadecimal, as `rbinary` sees a response.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
