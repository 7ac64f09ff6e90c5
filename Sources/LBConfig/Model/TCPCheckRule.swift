/// One step of a `tcp-check` rule list, as configured: `tcp-check connect|send|send-binary|expect|comment`.
public enum TCPCheckRule: Sendable, Hashable {
    case connect(Connect)
    case send(data: [UInt8], comment: String?)
    case expect(Expect)
    /// `tcp-check comment TEXT`: names the rule that follows in failure messages.
    case comment(String)

    /// `tcp-check connect [default] [port N] [ssl] [sni NAME] [send-proxy] [linger] [comment TEXT]`.
    public struct Connect: Sendable, Hashable {
        public var port: Int?
        public var ssl = false
        public var sni: String?
        public var sendProxy = false
        /// `default`: the server line's check settings (`check-ssl`, `check-sni`, `check-send-proxy`) apply.
        public var useServerSettings = false
        public var comment: String?
        public init() {}
    }

    /// `tcp-check expect [min-recv N] [comment T] [ok-status S] [error-status S] [tout-status S]
    /// [on-success T] [on-error T] [!] string|rstring|binary|rbinary PATTERN`.
    public struct Expect: Sendable, Hashable {
        public enum Pattern: Sendable, Hashable {
            case string([UInt8])
            case regex(String)
            case binary([UInt8])
            /// A regular expression over the hexadecimal (upper case) form of the response.
            case binaryRegex(String)
        }
        public var pattern: Pattern
        public var negated = false
        /// Bytes needed before the rule is evaluated; nil is HAProxy's -1 (wait for a match while data may come).
        public var minimumReceived: Int?
        public var comment: String?
        /// Status names (`L7OK`, `L7RSP`, `L7TOUT`...); nil for the defaults.
        public var okStatus: String?
        public var errorStatus: String?
        public var timeoutStatus: String?
        /// Plain-text messages reported on success (when last) or on failure.
        public var onSuccess: String?
        public var onError: String?
        public init(pattern: Pattern) { self.pattern = pattern }
    }
}

/// The protocol checks HAProxy builds on `tcp-check` rules (`option redis-check`, `option mysql-check`...).
/// The last `option ...chk`/`...-check` line of a section decides which one runs.
public enum ProtocolCheck: Sendable, Hashable {
    /// `option tcp-check`: the section's `tcp-check` rules.
    case tcpCheck
    case redis
    /// `option mysql-check [user U [post-41|pre-41]]`; without a user only the server's greeting is read.
    case mysql(user: String?, post41: Bool)
    case postgres(user: String)
    /// `option smtpchk [HELO|EHLO domain]`: the greeting command, `HELO localhost` by default.
    case smtp(greeting: String)
    case ldap
    case sslHello
}
