import LBShared
import LBStats

/// A latency histogram updated from any event loop without locks: one relaxed atomic add for the bucket
/// and one for the sum. Readers may see a bucket and the sum from slightly different instants; `_count`
/// is derived from the buckets so it always matches the `+Inf` bucket.
final class AtomicHistogram: Sendable {
    let layout: HistogramLayout
    /// The buckets, then the sum in microseconds.
    private let counters: AtomicCounterBlock
    private var sumIndex: Int { layout.bucketCount }

    init(layout: HistogramLayout = .defaultLatency) {
        self.layout = layout
        self.counters = AtomicCounterBlock(count: layout.bucketCount + 1)
    }

    @inline(__always)
    func observe(microseconds: Int) {
        counters.add(1, at: layout.bucketIndex(microseconds: microseconds))
        counters.add(microseconds, at: sumIndex)
    }

    func snapshot() -> HistogramSnapshot {
        HistogramSnapshot(layout: layout, counts: (0..<layout.bucketCount).map { counters.load(at: $0) },
                          sumMicroseconds: counters.load(at: sumIndex))
    }
}
