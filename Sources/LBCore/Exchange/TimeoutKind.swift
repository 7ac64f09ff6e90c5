/// The timeouts that bound an exchange, each named after the `timeout` keyword it comes from.
public enum TimeoutKind: Sendable, Hashable, CaseIterable {
    /// `timeout http-request`: the whole request head must arrive in time (408).
    case requestHead
    /// `timeout http-keep-alive`: idle time between requests (a silent close).
    case keepAlive
    /// `timeout queue`: waiting for a server slot (503 sQ).
    case queue
    /// `timeout connect`: the server must accept the connection in time (a retry, then 503 sC).
    case connect
    /// `timeout client`: the client stopped sending its body (cD).
    case client
    /// `timeout server`: the server stopped answering (504 sH before the head, sD after it).
    case server
    /// `timeout tunnel`: no traffic either way after a protocol switch (cD).
    case tunnel
    /// `timeout tarpit`: how long `http-request tarpit` holds a request before answering (PT).
    case tarpit
    /// `tcp-request inspect-delay`: how long a TCP connection's first bytes are waited for before its
    /// content rules are decided on what arrived.
    case inspect
}
