import LBShared
import Testing

struct HistogramLayoutTests {
    @Test func defaultLatencyGoesFromOneMillisecondToThirtySecondsAboutThreePerDecade() {
        let layout = HistogramLayout.defaultLatency
        #expect(layout.boundsMicroseconds == [
            1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
            1_000_000, 2_500_000, 5_000_000, 10_000_000, 30_000_000,
        ])
        #expect(layout.labels == ["0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5",
                                  "1", "2.5", "5", "10", "30", "+Inf"])
        #expect(layout.bucketCount == 15)
    }

    /// `le` is inclusive: an observation on a bound counts in that bound's bucket.
    @Test(arguments: [(-5, 0), (0, 0), (10, 0), (11, 1), (250, 1), (251, 2), (1_000_000, 2), (1_000_001, 3), (.max, 3)])
    func bucketIndexIsTheFirstBoundNotExceeded(microseconds: Int, expected: Int) {
        let layout = HistogramLayout(boundsMicroseconds: [10, 250, 1_000_000])
        #expect(layout.bucketIndex(microseconds: microseconds) == expected)
    }

    @Test func labelsAreTheBoundsInSecondsThenInf() {
        let layout = HistogramLayout(boundsMicroseconds: [10, 250, 1_000_000])
        #expect(layout.labels == ["0.00001", "0.00025", "1", "+Inf"])
        #expect(layout.bucketCount == layout.labels.count)
    }

    @Test func layoutsCompareByTheirBounds() {
        #expect(HistogramLayout(boundsMicroseconds: [1, 2]) == HistogramLayout(boundsMicroseconds: [1, 2]))
        #expect(HistogramLayout(boundsMicroseconds: [1, 2]) != HistogramLayout(boundsMicroseconds: [1, 3]))
    }
}
