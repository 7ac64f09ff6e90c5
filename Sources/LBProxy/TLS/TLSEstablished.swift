import LBCore

/// The user event a TLS connection's session receives once the handshake completed, before any request.
struct TLSEstablished {
    let facts: TLSSessionFacts
    /// When the handshake completed (monotonic nanoseconds), and how long it took from the accept: the
    /// log's Th for the connection's first request, which also starts its idle time (Ti) there.
    let completedAt: UInt64
    let duration: UInt64
}
