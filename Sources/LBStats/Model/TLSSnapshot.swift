/// A frontend's TLS handshakes as read at one instant (`show stat`'s `ssl_*` columns, the stats page's
/// TLS group, the `haproxy_frontend_ssl_*` metrics).
public struct TLSSnapshot: Sendable, Equatable {
    /// Handshakes completed (`ssl_sess`).
    public var handshakes: Int
    /// Of those, sessions resumed rather than negotiated in full (`ssl_reused_sess`).
    public var resumed: Int
    /// Handshakes that failed: garbage, no common protocol, a refused certificate, too slow
    /// (`ssl_failed_handshake`).
    public var failed: Int
    /// How long completed handshakes took from the accept (the log's Th).
    public var handshakeTime: HistogramSnapshot

    public init(handshakes: Int, resumed: Int, failed: Int, handshakeTime: HistogramSnapshot) {
        self.handshakes = handshakes
        self.resumed = resumed
        self.failed = failed
        self.handshakeTime = handshakeTime
    }
}
