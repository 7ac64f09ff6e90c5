import Atomics
import LBShared
import LBStats

/// A latency histogram updated from any event loop without locks: one relaxed atomic add for the bucket
/// and one for the sum. Readers may see a bucket and the sum from slightly different instants; `_count`
/// is derived from the buckets so it always matches the `+Inf` bucket.
final class AtomicHistogram: Sendable {
    let layout: HistogramLayout
    private let buckets: [ManagedAtomic<Int>]
    private let sumMicroseconds = ManagedAtomic<Int>(0)

    init(layout: HistogramLayout = .defaultLatency) {
        self.layout = layout
        self.buckets = (0..<layout.bucketCount).map { _ in ManagedAtomic(0) }
    }

    @inline(__always)
    func observe(microseconds: Int) {
        buckets[layout.bucketIndex(microseconds: microseconds)].wrappingIncrement(ordering: .relaxed)
        sumMicroseconds.wrappingIncrement(by: microseconds, ordering: .relaxed)
    }

    func snapshot() -> HistogramSnapshot {
        HistogramSnapshot(layout: layout, counts: buckets.map { $0.load(ordering: .relaxed) },
                          sumMicroseconds: sumMicroseconds.load(ordering: .relaxed))
    }
}

/// Connect, response and total time of requests (queue time is left out: lb has no queue metrics yet).
final class LatencyRecorder: Sendable {
    let connect: AtomicHistogram
    let response: AtomicHistogram
    let total: AtomicHistogram

    init(layout: HistogramLayout = .defaultLatency) {
        connect = AtomicHistogram(layout: layout)
        response = AtomicHistogram(layout: layout)
        total = AtomicHistogram(layout: layout)
    }

    func snapshot() -> LatencySnapshot {
        LatencySnapshot(connect: connect.snapshot(), response: response.snapshot(), total: total.snapshot())
    }
}

/// HTTP responses by status class (1xx … 5xx, other).
final class ResponseCounters: Sendable {
    private let classes: [ManagedAtomic<Int>] = (0..<6).map { _ in ManagedAtomic(0) }

    @inline(__always)
    func record(status: Int) {
        classes[ResponseCounts.classIndex(status: status)].wrappingIncrement(ordering: .relaxed)
    }

    func snapshot() -> ResponseCounts { ResponseCounts(counts: classes.map { $0.load(ordering: .relaxed) }) }
}

/// The per-request counters of a backend or a server that the stats need beyond the data plane's own.
final class RequestMetrics: Sendable {
    /// Requests that finished with this backend (or server) chosen.
    let requests = ManagedAtomic<Int>(0)
    let responses = ResponseCounters()
    let latency = LatencyRecorder()
}
