import LBShared

/// A Prometheus histogram of durations in milliseconds, with the bucket layout of lb's own latency
/// histograms, so dashboards built for lb's metrics read lblog's the same way.
public struct LatencyHistogram: Sendable, Equatable {
    public static let layout = HistogramLayout.defaultLatency

    /// Per bucket (not cumulative), `+Inf` last.
    public private(set) var counts = [Int](repeating: 0, count: LatencyHistogram.layout.bucketCount)
    public private(set) var sumMilliseconds = 0
    public private(set) var count = 0

    public init() {}

    public mutating func observe(milliseconds: Int) {
        counts[Self.layout.bucketIndex(microseconds: milliseconds * 1000)] += 1
        sumMilliseconds += milliseconds
        count += 1
    }
}
