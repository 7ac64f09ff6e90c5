/// A `tcp-request connection|session|content ACTION [if|unless COND]` rule.
///
/// - `connection` rules run at accept, before a byte is read: only layer-4 fetches have values.
/// - `session` rules run once the connection is set up (after `accept-proxy`'s header and the TLS
///   handshake).
/// - `content` rules run once the first bytes have been inspected (`tcp-request inspect-delay`) in TCP
///   mode, and for each request, before the `http-request` rules, in HTTP mode.
public struct TCPRequestRule: Sendable, Hashable {
    public enum Phase: String, Sendable, Hashable {
        case connection, session, content
    }

    public enum Action: Sendable, Hashable {
        case accept
        case reject
        /// `track-scN KEY [table T]`.
        case track(slot: Int, key: String, table: String?)
        /// `sc-inc-gpc0(N)`, `sc-inc-gpc1(N)`, `sc-set-gpt0(N) VALUE`.
        case stickCounter(name: String, slot: Int, value: Int?)
    }

    public var action: Action
    public var condition: Condition?
    public var location: SourceLocation

    public init(action: Action, condition: Condition?, location: SourceLocation) {
        self.action = action
        self.condition = condition
        self.location = location
    }
}
