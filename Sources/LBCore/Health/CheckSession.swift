/// One run of a `CheckProgram`, as a pure state machine: the caller reports what happened on the network
/// (connected, bytes received, input closed, timed out) and carries out the action returned (connect,
/// send, wait for data, finish with a verdict). No sockets and no clock: the caller owns both.
///
/// It follows HAProxy's tcp-check engine: an expect step waits while the response may still grow (until
/// `min-recv` bytes, the pattern's length, or a match); consecutive expect steps read the same response;
/// a send step starts a new response; the verdict of the last step is the check's.
public struct CheckSession {
    public enum Action: Sendable, Equatable {
        case connect(CheckProgram.Connect)
        /// Write these bytes, then call `resume()`.
        case send([UInt8])
        /// Wait for `received(_:)`, `inputClosed()` or a timeout.
        case receive
        case finish(CheckVerdict)
    }

    /// What the caller knows about the server the check talks to.
    public struct Context: Sendable {
        /// For `Host:` in HTTP/1.1 checks.
        public var host: String
        /// Seconds since 1970, for the SSL client hello.
        public var unixTime: UInt32
        public init(host: String, unixTime: UInt32) {
            self.host = host
            self.unixTime = unixTime
        }
    }

    /// HAProxy's default `tune.bufsize`: a response is judged on at most this many bytes.
    public static let bufferSize = 16_384

    let program: CheckProgram
    let context: Context
    /// The step being evaluated (HAProxy's current step), and the first expect of its group.
    private var index = 0
    private var current: Int?
    private var response: [UInt8] = []
    private var closed = false
    /// An expect step has looked at `response` since the last send or connect.
    private var responseRead = false
    private var waiting = false
    private var connectedSecurely = false
    private var verdict: CheckVerdict?

    public init(program: CheckProgram, context: Context) {
        self.program = program
        self.context = context
    }

    public mutating func start() -> Action { run() }

    /// The connection asked for is established, and `secure` when over TLS (after its handshake).
    public mutating func connected(secure: Bool = false) -> Action {
        if let verdict { return .finish(verdict) }
        connectedSecurely = secure
        index += 1
        return run()
    }

    /// The bytes of the last `.send` were handed to the connection.
    public mutating func resume() -> Action {
        if let verdict { return .finish(verdict) }
        return run()
    }

    public mutating func received(_ bytes: some Collection<UInt8>) -> Action {
        if let verdict { return .finish(verdict) }
        let room = Self.bufferSize - response.count
        if room > 0 { response += bytes.prefix(room) }
        return waiting ? run() : .receive
    }

    /// The server closed its side (or the connection failed after it was established).
    public mutating func inputClosed() -> Action {
        if let verdict { return .finish(verdict) }
        closed = true
        return waiting ? run() : .receive
    }

    /// The connection of the current connect step could not be opened.
    public mutating func connectFailed(error: String?, timedOut: Bool) -> CheckVerdict {
        finish(CheckVerdict(status: timedOut ? .layer4Timeout : .layer4ConnectionProblem, info: failureInfo(error)))
    }

    /// The TLS handshake of the current connect step failed.
    public mutating func handshakeFailed(error: String?, timedOut: Bool) -> CheckVerdict {
        finish(CheckVerdict(status: timedOut ? .layer6Timeout : .layer6InvalidResponse, info: failureInfo(error)))
    }

    /// The check's time ran out while connected: the current expect step's timeout status, `L7TOUT` by default.
    public mutating func timedOut() -> CheckVerdict {
        var status = CheckStatus.layer7Timeout
        if let current, case .expect(let expect) = program.steps[current].action, let timeout = expect.timeoutStatus {
            status = timeout
        }
        return finish(CheckVerdict(status: status, info: failureInfo(nil)))
    }

    // MARK: Running the steps

    private mutating func run() -> Action {
        waiting = false
        while index < program.steps.count {
            let step = program.steps[index]
            current = index
            switch step.action {
            case .connect(let connect):
                response = []
                closed = false
                responseRead = false
                return .connect(connect)
            case .send(let payload):
                // A new question: what earlier expects read is done with; what nobody read yet stays.
                if responseRead { response = [] }
                responseRead = false
                index += 1
                return .send(bytes(of: payload))
            case .expect(let expect):
                if !responseRead, response.isEmpty {
                    guard closed else { return wait() }
                    var info = "TCPCHK got an empty response at step \(step.number)"
                    if let comment = step.comment { info += " comment: '\(comment)'" }
                    return .finish(finish(CheckVerdict(status: expect.errorStatus ?? .layer7InvalidResponse, info: info)))
                }
                responseRead = true
                switch evaluate(expect, step: step) {
                case .next:
                    index += 1
                case .wait:
                    return wait()
                case .stop(let verdict):
                    return .finish(finish(verdict))
                }
            }
        }
        return .finish(finish(success()))
    }

    /// Waits for more of the response, then evaluates again from the first expect of this group.
    private mutating func wait() -> Action {
        while index > 0, case .expect = program.steps[index - 1].action { index -= 1 }
        waiting = true
        return .receive
    }

    private func bytes(of payload: CheckProgram.Payload) -> [UInt8] {
        switch payload {
        case .bytes(let bytes): bytes
        case .sslClientHello: CheckProgram.sslClientHello(unixTime: context.unixTime)
        case .httpRequest(let request): request.bytes(host: context.host)
        }
    }

    private mutating func finish(_ result: CheckVerdict) -> CheckVerdict {
        if let verdict { return verdict }
        verdict = result
        return result
    }

    /// The verdict when every step passed: the last step decides its status and message.
    private func success() -> CheckVerdict {
        guard let current else { return CheckVerdict(status: .layer7OK, info: "(tcp-check)") }
        let step = program.steps[current]
        switch step.action {
        case .expect(let expect):
            if case .http = expect.matcher, let outcome = lastHTTPVerdict { return outcome }
            var result = CheckVerdict(status: expect.okStatus ?? .layer7OK)
            result.info = expect.onSuccess.map(message)
            if expect.codeFromResponse { result.code = responseCode }
            return result
        case .connect:
            return CheckVerdict(status: connectedSecurely ? .layer6OK : .layer4OK, info: step.implicit ? nil : "(tcp-check)")
        case .send:
            return CheckVerdict(status: .layer7OK, info: "(tcp-check)")
        }
    }

    // MARK: Evaluating an expect step

    enum Evaluation {
        case next
        case wait
        case stop(CheckVerdict)
    }

    private var lastHTTPVerdict: CheckVerdict?

    private var isFinalRead: Bool { closed || response.count >= Self.bufferSize }

    private mutating func evaluate(_ expect: CheckProgram.Expect, step: CheckProgram.Step) -> Evaluation {
        let final = isFinalRead
        switch expect.matcher {
        case .mysqlGreeting: return mysqlPacket(at: 0, step: step)
        case .mysqlReply:
            guard response.count >= 3 else { return final ? .stop(CheckVerdict(status: .layer7InvalidResponse)) : .wait }
            return mysqlPacket(at: 4 + Int(response[0]) + Int(response[1]) << 8 + Int(response[2]) << 16, step: step)
        case .ldapBindResponse: return ldapBindResponse(step: step)
        case .http(let expectation): return http(expectation, step: step)
        default: break
        }
        if !final {
            if case .bytes(let pattern) = expect.matcher, response.count < pattern.count { return .wait }
            if let minimum = expect.minimumReceived, minimum > 0, response.count < minimum { return .wait }
        }
        let matched: Bool
        switch expect.matcher {
        case .bytes(let pattern): matched = Self.contains(response, pattern)
        case .regex(let regex): matched = regex.matches(Substring(text(from: 0, stopAtLineEnd: false)))
        case .hexRegex(let regex): matched = regex.matches(Substring(CheckProgram.hex(response)))
        default: matched = false
        }
        if !matched, !final, expect.minimumReceived == nil { return .wait }
        if matched != expect.negated { return .next }
        var result = CheckVerdict(status: expect.errorStatus ?? .layer7InvalidResponse)
        result.info = failureMessage(expect, step: step, matched: matched)
        if expect.codeFromResponse { result.code = responseCode }
        return .stop(result)
    }

    /// The failure text: the rule's `on-error`, or HAProxy's generic words for user rules, then its comment.
    private func failureMessage(_ expect: CheckProgram.Expect, step: CheckProgram.Step, matched: Bool, detail: String? = nil) -> String? {
        var text = ""
        if let detail {
            text = detail
        } else if let onError = expect.onError {
            text = message(onError)
        } else if program.reportsSteps {
            text = matched ? "TCPCHK matched unwanted content" : "TCPCHK did not match content"
            if let pattern = expect.described.pattern, expect.described.kind == "string" {
                text += " '\(pattern)' at step \(step.number)"
            } else {
                text += " (\(expect.described.kind)) at step \(step.number)"
            }
        }
        if let comment = step.comment { text += " comment: \(comment)" }
        return text.isEmpty ? nil : text
    }

    /// What a failure outside an expect's verdict (refused connect, timeout) says: the error, and for user
    /// rules where the check was (`at step 2 of tcp-check (expect string '+PONG')`).
    private func failureInfo(_ error: String?) -> String? {
        guard program.reportsSteps, let current else { return error }
        let step = program.steps[current]
        var text = error ?? ""
        if step.number == 0 {
            text += " at initial connection step of tcp-check"
            return text
        }
        text += " at step \(step.number) of tcp-check"
        switch step.action {
        case .connect(let connect):
            text += connect.port.map { " (connect port \($0))" } ?? " (connect)"
        case .expect(let expect):
            if let pattern = expect.described.pattern {
                text += " (expect \(expect.described.kind) '\(pattern)')"
            } else {
                text += " (expect \(expect.described.kind))"
            }
        case .send:
            text += " (send)"
        }
        if let comment = step.comment { text += " comment: '\(comment)'" }
        return text
    }

    private func message(_ message: CheckProgram.Message) -> String {
        switch message {
        case .text(let text): text
        case .responseLine(let offset): text(from: offset, stopAtLineEnd: true)
        case .responseText(let offset): text(from: offset, stopAtLineEnd: false)
        }
    }

    /// The response from `offset` to its first NUL byte (and first line end, when asked), leading spaces
    /// removed from a line.
    private func text(from offset: Int, stopAtLineEnd: Bool) -> String {
        guard offset < response.count else { return "" }
        var slice = response[offset...].prefix { $0 != 0 && (!stopAtLineEnd || ($0 != 0x0D && $0 != 0x0A)) }
        if stopAtLineEnd { slice = slice.drop { $0 == 0x20 } }
        return String(decoding: slice, as: UTF8.self)
    }

    /// The number the response starts with (an SMTP reply code).
    private var responseCode: Int? {
        Int(String(decoding: response.prefix(3), as: UTF8.self))
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        haystack.withUnsafeBufferPointer { value in
            needle.withUnsafeBufferPointer { ByteMatching.contains(value, $0, foldCase: false) }
        }
    }

    // MARK: Protocol parsers

    /// A MySQL packet starting at `offset`: an error packet (first byte 0xFF) fails with its error number and
    /// text; any other complete packet passes.
    private mutating func mysqlPacket(at offset: Int, step: CheckProgram.Step) -> Evaluation {
        let final = isFinalRead
        let truncated = Evaluation.stop(CheckVerdict(status: .layer7InvalidResponse, info: step.comment.map { " comment: \($0)" }))
        guard response.count >= offset + 4 else { return final ? truncated : .wait }
        let length = Int(response[offset]) + Int(response[offset + 1]) << 8 + Int(response[offset + 2]) << 16
        guard response.count >= offset + length + 4, length > 0 else { return final ? truncated : .wait }
        if response[offset + 4] == 0xFF {
            let code = response.count > offset + 6 ? Int(response[offset + 5]) + Int(response[offset + 6]) << 8 : 0
            let detail = String(decoding: response.dropFirst(offset + 7).prefix { $0 != 0 }, as: UTF8.self)
            return .stop(CheckVerdict(status: .layer7WrongStatus, code: code,
                                      info: failureMessage(CheckProgram.Expect(matcher: .mysqlReply), step: step, matched: false,
                                                           detail: detail)))
        }
        return .next
    }

    /// An LDAPv3 BindResponse: `30 len 02 01 01 61 len 0a 01 resultCode`, lengths possibly in long form.
    private mutating func ldapBindResponse(step: CheckProgram.Step) -> Evaluation {
        func byte(_ at: Int) -> UInt8? { at < response.count ? response[at] : nil }
        let notLDAP = CheckVerdict(status: .layer7InvalidResponse,
                                   info: failureMessage(CheckProgram.Expect(matcher: .ldapBindResponse), step: step, matched: false,
                                                        detail: "Not LDAPv3 protocol"))
        guard let first = byte(1) else { return .stop(notLDAP) }
        var skip = first & 0x80 != 0 ? Int(first & 0x7F) : 0
        guard skip <= 2, response.count >= 2 + skip + 4, Array(response[(2 + skip)..<(6 + skip)]) == [0x02, 0x01, 0x01, 0x61] else {
            return .stop(notLDAP)
        }
        guard let bindLength = byte(skip + 6) else { return .stop(notLDAP) }
        skip += bindLength & 0x80 != 0 ? Int(bindLength & 0x7F) : 0
        guard skip <= 4, byte(7 + skip) == 0x0A, byte(8 + skip) == 0x01, let result = byte(9 + skip) else { return .stop(notLDAP) }
        guard result == 0 else {
            return .stop(CheckVerdict(status: .layer7WrongStatus, code: Int(result),
                                      info: failureMessage(CheckProgram.Expect(matcher: .ldapBindResponse), step: step, matched: false,
                                                           detail: "See RFC: http://tools.ietf.org/html/rfc4511#section-4.1.9")))
        }
        return .next
    }

    /// An HTTP response: the status line decides status tests as soon as it is complete; body tests wait for
    /// the whole body (its Content-Length, or the end of the connection).
    private mutating func http(_ expectation: HTTPCheckExpectation, step: CheckProgram.Step) -> Evaluation {
        let final = isFinalRead
        guard let lineEnd = Self.firstIndex(of: [0x0D, 0x0A], in: response) else {
            return final ? .stop(CheckVerdict(status: .layer7InvalidResponse)) : .wait
        }
        let line = String(decoding: response[..<lineEnd], as: UTF8.self)
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), parts[1].count == 3, let status = Int(parts[1]) else {
            return .stop(CheckVerdict(status: .layer7InvalidResponse))
        }
        let reason = parts.count > 2 ? String(parts[2]) : ""
        var body: [UInt8] = []
        if expectation.needsBody {
            guard let headerEnd = Self.firstIndex(of: [0x0D, 0x0A, 0x0D, 0x0A], in: response) else {
                return final ? .stop(CheckVerdict(status: .layer7InvalidResponse, code: status)) : .wait
            }
            body = Array(response[(headerEnd + 4)...])
            let complete = final || Self.contentLength(response[..<headerEnd]).map { body.count >= $0 } ?? false
            let outcome = expectation.verdict(status: status, reason: reason, body: body)
            if !complete, !outcome.status.passed { return .wait }
            lastHTTPVerdict = outcome
            return outcome.status.passed ? .next : .stop(outcome)
        }
        let outcome = expectation.verdict(status: status, reason: reason, body: body)
        lastHTTPVerdict = outcome
        return outcome.status.passed ? .next : .stop(outcome)
    }

    private static func firstIndex(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        for start in 0...(bytes.count - needle.count) where bytes[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }

    private static func contentLength(_ head: ArraySlice<UInt8>) -> Int? {
        for line in String(decoding: head, as: UTF8.self).split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length" {
                return Int(parts[1].filter { $0 != " " && $0 != "\t" })
            }
        }
        return nil
    }
}

