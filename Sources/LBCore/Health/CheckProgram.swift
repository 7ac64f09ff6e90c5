import LBConfig

/// A health check as a list of steps, HAProxy's `tcp-check` model: connect, send, expect. The rules a user
/// writes under `option tcp-check`, each protocol check (`option redis-check`...) and the HTTP check all
/// compile to one of these, so one engine (`CheckSession`) runs every kind of check.
public struct CheckProgram: Sendable {
    /// Where and how a step opens its connection.
    public struct Connect: Sendable, Hashable {
        /// nil: the server's check port, else its port.
        public var port: Int?
        public var ssl = false
        public var serverName: String?
        public var sendProxy = false
        /// The server line's check settings (`check-ssl`, `check-sni`) apply.
        public var useServerSettings = false
        public init() {}
    }

    /// What a send step writes.
    enum Payload: Sendable {
        case bytes([UInt8])
        /// The SSLv3 client hello of `option ssl-hello-chk`, which carries the current time.
        case sslClientHello
        /// The HTTP request of `option httpchk` / `http-check send`, which names the server's host.
        case httpRequest(HTTPCheckRequest)
    }

    /// How an expect step decides.
    enum Matcher: Sendable {
        /// `string` and `binary`: the response contains these bytes.
        case bytes([UInt8])
        /// `rstring`: the regular expression matches the response text (up to its first NUL byte).
        case regex(CompiledRegex)
        /// `rbinary`: the regular expression matches the response in upper-case hexadecimal.
        case hexRegex(CompiledRegex)
        /// MySQL: the server's greeting packet, then (with a user) the reply to the login.
        case mysqlGreeting
        case mysqlReply
        /// LDAP: the response to an anonymous simple bind.
        case ldapBindResponse
        /// An HTTP response judged by `http-check expect`.
        case http(HTTPCheckExpectation)
    }

    /// The text reported with a verdict: fixed, or taken from the response.
    enum Message: Sendable, Hashable {
        case text(String)
        /// The response from byte `offset` to the end of its first line, leading spaces removed.
        case responseLine(from: Int)
        /// The response from byte `offset` to its first NUL byte.
        case responseText(from: Int)
    }

    struct Expect: Sendable {
        public var matcher: Matcher
        public var negated = false
        /// nil is HAProxy's -1: while more data may come, a mismatch waits for it.
        public var minimumReceived: Int?
        public var okStatus: CheckStatus?
        public var errorStatus: CheckStatus?
        public var timeoutStatus: CheckStatus?
        public var onSuccess: Message?
        public var onError: Message?
        /// The verdict's code is the number the response starts with (SMTP's reply code).
        public var codeFromResponse = false
        /// How failure messages name the pattern (`string '+PONG'`, `regex`...).
        var described: (kind: String, pattern: String?) = ("custom function", nil)

        public init(matcher: Matcher) { self.matcher = matcher }
    }

    enum Action: Sendable {
        case connect(Connect)
        case send(Payload)
        case expect(Expect)
    }

    struct Step: Sendable {
        public var action: Action
        /// The step number HAProxy reports (`at step 2`); 0 for the connect it adds itself.
        public var number: Int
        public var comment: String?
        /// A connect lb added because the rules did not start with one.
        public var implicit = false
        public init(_ action: Action, number: Int, comment: String? = nil) {
            self.action = action
            self.number = number
            self.comment = comment
        }
    }

    var steps: [Step]
    /// User-written `tcp-check` rules get HAProxy's generic messages (`TCPCHK did not match content ...`);
    /// protocol checks report only what their rules say.
    var reportsSteps: Bool

    init(steps: [Step], reportsSteps: Bool) {
        self.steps = steps
        self.reportsSteps = reportsSteps
    }

    /// The connect lb adds in front of rules that do not open their own connection.
    static var implicitConnect: Step {
        var connect = Connect()
        connect.useServerSettings = true
        var step = Step(.connect(connect), number: 0)
        step.implicit = true
        return step
    }
}

/// The request an HTTP check sends; the Host header, when needed, is the server's.
public struct HTTPCheckRequest: Sendable, Hashable {
    public var method: String
    public var uri: String
    public var version: String
    public var headers: [String]
    public var body: String?

    /// The request bytes for a server named `host`: HTTP/1.1 requests without a Host header get one, and the
    /// connection is closed after the response.
    public func bytes(host: String) -> [UInt8] {
        var request = "\(method) \(uri) \(version)\r\n"
        for header in headers { request += header + "\r\n" }
        if version == "HTTP/1.1", !headers.contains(where: { $0.lowercased().hasPrefix("host:") }) {
            request += "Host: \(host)\r\n"
        }
        request += "Connection: close\r\n"
        if let body { request += "Content-Length: \(body.utf8.count)\r\n" }
        request += "\r\n"
        if let body { request += body }
        return Array(request.utf8)
    }
}

extension CheckProgram {
    /// The default check: open a connection (over TLS with `check-ssl`) and close it.
    public static var connectOnly: CheckProgram { CheckProgram(steps: [implicitConnect], reportsSteps: false) }
}
