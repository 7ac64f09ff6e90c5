/// A Prometheus histogram of durations in milliseconds, with the bucket bounds of lb's own latency
/// histograms (LBStats' `HistogramLayout.defaultLatency`: 1 ms to 30 s, about three per decade), so
/// dashboards built for lb's metrics read lblog's the same way.
public struct LatencyHistogram: Sendable, Equatable {
    /// Upper bounds in microseconds; a `+Inf` bucket follows.
    public static let boundsMicroseconds = [
        1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
        1_000_000, 2_500_000, 5_000_000, 10_000_000, 30_000_000,
    ]
    /// `le` label values, `+Inf` last.
    public static let labels: [String] = boundsMicroseconds.map { seconds(microseconds: $0) } + ["+Inf"]

    /// Per bucket (not cumulative), `+Inf` last.
    public private(set) var counts = [Int](repeating: 0, count: LatencyHistogram.boundsMicroseconds.count + 1)
    public private(set) var sumMilliseconds = 0
    public private(set) var count = 0

    public init() {}

    public mutating func observe(milliseconds: Int) {
        let microseconds = milliseconds * 1000
        var index = 0
        while index < Self.boundsMicroseconds.count, microseconds > Self.boundsMicroseconds[index] { index += 1 }
        counts[index] += 1
        sumMilliseconds += milliseconds
        count += 1
    }

    /// `0.001`, `2.5`, `30`: seconds from microseconds, no trailing zeros, no exponent.
    public static func seconds(microseconds: Int) -> String {
        let negative = microseconds < 0
        let magnitude = negative ? -microseconds : microseconds
        var text = (negative ? "-" : "") + String(magnitude / 1_000_000)
        var fraction = magnitude % 1_000_000
        if fraction == 0 { return text }
        var digits = 6
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let raw = String(fraction)
        text += "." + String(repeating: "0", count: digits - raw.count) + raw
        return text
    }
}
