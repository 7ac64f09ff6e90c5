import Atomics

/// The per-request counters of a backend or a server that the stats need beyond the data plane's own.
final class RequestMetrics: Sendable {
    /// Requests that finished with this backend (or server) chosen.
    let requests = ManagedAtomic<Int>(0)
    let responses = ResponseCounters()
    let latency = LatencyRecorder()
}
