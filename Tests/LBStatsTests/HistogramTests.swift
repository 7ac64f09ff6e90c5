import LBShared
import LBStats
import Testing

struct HistogramTests {
    @Test(arguments: [(0, 0), (1_000, 0), (1_001, 1), (2_500, 1), (999_999, 9), (30_000_000, 13), (30_000_001, 14)])
    func bucketIndexIsTheFirstBoundNotExceeded(microseconds: Int, expected: Int) {
        #expect(HistogramLayout.defaultLatency.bucketIndex(microseconds: microseconds) == expected)
    }

    @Test func defaultLayoutGoesFromOneMillisecondToThirtySeconds() {
        let labels = HistogramLayout.defaultLatency.labels
        #expect(labels.first == "0.001")
        #expect(labels.dropLast().last == "30")
        #expect(labels.last == "+Inf")
        #expect(labels.contains("0.0025"))
    }

    @Test(arguments: [(0, "0"), (1, "0.000001"), (1_500_000, "1.5"), (250_000, "0.25"), (-2_000, "-0.002")])
    func secondsAreFormattedWithoutTrailingZeros(microseconds: Int, expected: String) {
        #expect(SecondsFormat.string(microseconds: microseconds) == expected)
    }

    @Test func countIsDerivedFromBucketsAndQuantilesInterpolate() {
        let histogram = StatsFixtures.histogram(Array(repeating: 1_500, count: 50) + Array(repeating: 40_000, count: 50))
        #expect(histogram.count == 100)
        #expect(histogram.sumMicroseconds == 50 * 1_500 + 50 * 40_000)
        let p50 = histogram.quantileMicroseconds(0.5)!
        #expect(p50 > 1_000 && p50 <= 2_500)
        let p99 = histogram.quantileMicroseconds(0.99)!
        #expect(p99 > 25_000 && p99 <= 50_000)
        #expect(HistogramSnapshot.empty().quantileMicroseconds(0.5) == nil)
    }

    @Test func observationsAboveTheLastBoundLandInInf() {
        let histogram = StatsFixtures.histogram([60_000_000])
        #expect(histogram.counts.last == 1)
        #expect(histogram.quantileMicroseconds(0.5) == 30_000_000)
    }
}
