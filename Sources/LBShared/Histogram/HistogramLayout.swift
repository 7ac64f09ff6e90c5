/// The upper bounds of a latency histogram's buckets, fixed at configuration time. Observations are
/// integers in microseconds so the data path never touches floating point; the rendered `le` labels are
/// computed once here.
public struct HistogramLayout: Sendable, Equatable {
    /// Ascending upper bounds in microseconds; a final `+Inf` bucket is implied.
    public let boundsMicroseconds: [Int]
    /// The `le` label of every bucket, `+Inf` last.
    public let labels: [String]

    /// 1 ms to 30 s, roughly three buckets per decade.
    public static let defaultLatency = HistogramLayout(boundsMicroseconds: [
        1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
        1_000_000, 2_500_000, 5_000_000, 10_000_000, 30_000_000,
    ])

    public init(boundsMicroseconds: [Int]) {
        precondition(!boundsMicroseconds.isEmpty && zip(boundsMicroseconds, boundsMicroseconds.dropFirst()).allSatisfy { $0 < $1 },
                     "histogram bounds must be ascending")
        self.boundsMicroseconds = boundsMicroseconds
        self.labels = boundsMicroseconds.map { SecondsFormat.string(microseconds: $0) } + ["+Inf"]
    }

    /// Buckets including `+Inf`.
    public var bucketCount: Int { boundsMicroseconds.count + 1 }

    /// The bucket an observation falls in (the first bound it does not exceed).
    @inline(__always)
    public func bucketIndex(microseconds: Int) -> Int {
        var index = 0
        while index < boundsMicroseconds.count, microseconds > boundsMicroseconds[index] { index += 1 }
        return index
    }
}
