import LBCore

/// The user event a TLS connection's session receives once the handshake completed, before any request.
struct TLSEstablished {
    let facts: TLSSessionFacts
}
