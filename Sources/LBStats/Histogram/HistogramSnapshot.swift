import LBShared

/// A histogram as read at one instant: per-bucket counts (not cumulative), and the sum of observations.
public struct HistogramSnapshot: Sendable, Equatable {
    public var layout: HistogramLayout
    /// One count per bucket of `layout`, `+Inf` last.
    public var counts: [Int]
    public var sumMicroseconds: Int

    public init(layout: HistogramLayout, counts: [Int], sumMicroseconds: Int) {
        precondition(counts.count == layout.bucketCount)
        self.layout = layout
        self.counts = counts
        self.sumMicroseconds = sumMicroseconds
    }

    public static func empty(_ layout: HistogramLayout = .defaultLatency) -> HistogramSnapshot {
        HistogramSnapshot(layout: layout, counts: Array(repeating: 0, count: layout.bucketCount), sumMicroseconds: 0)
    }

    /// Observations in all buckets. Derived from the buckets so `_count` always equals the `+Inf` bucket.
    public var count: Int { counts.reduce(0, +) }

    /// Adds another histogram of the same layout (a backend's from its servers', for instance).
    public mutating func add(_ other: HistogramSnapshot) {
        precondition(other.layout == layout)
        for index in counts.indices { counts[index] += other.counts[index] }
        sumMicroseconds += other.sumMicroseconds
    }

    /// The q-quantile in microseconds, interpolated linearly inside its bucket as Prometheus'
    /// `histogram_quantile` does; nil without observations. In the `+Inf` bucket it answers the last bound.
    public func quantileMicroseconds(_ q: Double) -> Int? {
        let total = count
        guard total > 0 else { return nil }
        let rank = q * Double(total)
        var cumulative = 0
        for (index, bucketCount) in counts.enumerated() {
            let previous = cumulative
            cumulative += bucketCount
            if Double(cumulative) >= rank, bucketCount > 0 {
                guard index < layout.boundsMicroseconds.count else { return layout.boundsMicroseconds.last }
                let lower = index == 0 ? 0 : layout.boundsMicroseconds[index - 1]
                let upper = layout.boundsMicroseconds[index]
                let within = (rank - Double(previous)) / Double(bucketCount)
                return lower + Int(Double(upper - lower) * max(0, min(1, within)))
            }
        }
        return layout.boundsMicroseconds.last
    }
}
