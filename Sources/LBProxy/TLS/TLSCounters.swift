import Atomics

/// A frontend's TLS handshakes, for `show stat` (`ssl_sess`, `ssl_reused_sess`, `ssl_failed_handshake`),
/// the stats page and Prometheus.
final class TLSCounters: Sendable {
    /// Handshakes completed.
    let handshakes = ManagedAtomic<Int>(0)
    /// Of those, resumed sessions (a ticket or a cached session).
    let resumed = ManagedAtomic<Int>(0)
    /// Handshakes that failed (garbage, no common protocol or cipher, a refused client certificate, a
    /// handshake slower than `timeout client`).
    let failed = ManagedAtomic<Int>(0)
    /// How long completed handshakes took, from the accept.
    let handshakeTime = AtomicHistogram()
    /// The last failure reported in the log, and when (monotonic seconds): a flood of bad handshakes
    /// logs one line per second, with how many were not logged.
    let lastReportSecond = ManagedAtomic<Int>(0)
    let unreported = ManagedAtomic<Int>(0)
}
