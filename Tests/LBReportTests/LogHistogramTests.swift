import Testing
@testable import LBReport

struct PercentileCase: Sendable, CustomTestStringConvertible {
    var values: [Int]
    var percentile: Double
    var expected: Int
    var testDescription: String { "p\(percentile) of \(values.count) values = \(expected)" }
}

/// Nearest rank: the smallest value with at least p% of the values at or below it.
@Test(arguments: [
    PercentileCase(values: [15, 20, 35, 40, 50], percentile: 5, expected: 15),
    PercentileCase(values: [15, 20, 35, 40, 50], percentile: 30, expected: 20),
    PercentileCase(values: [15, 20, 35, 40, 50], percentile: 40, expected: 20),
    PercentileCase(values: [15, 20, 35, 40, 50], percentile: 50, expected: 35),
    PercentileCase(values: [15, 20, 35, 40, 50], percentile: 100, expected: 50),
    PercentileCase(values: [15, 20, 35, 40, 50], percentile: 0, expected: 15),
    PercentileCase(values: Array(1...1000), percentile: 99.9, expected: 999),
    PercentileCase(values: Array(1...1000), percentile: 99, expected: 990),
    PercentileCase(values: Array(1...10), percentile: 90, expected: 9),
    PercentileCase(values: [3, 3, 3, 7], percentile: 75, expected: 3),
    PercentileCase(values: [3, 3, 3, 7], percentile: 76, expected: 7),
])
func nearestRank(_ c: PercentileCase) {
    var h = LogHistogram()
    for v in c.values.shuffled() { h.record(v) }
    #expect(h.percentile(c.percentile) == c.expected)
}

@Test func exactBelow2048AndThreeDigitsAbove() {
    for v in [0, 1, 999, 2047] {
        var h = LogHistogram()
        h.record(v)
        h.record(v + 100_000)  // a larger maximum does not move a lower value
        #expect(h.percentile(50) == v)
    }
    for v in [2048, 2049, 5003, 65_537, 1_234_567, 30_000_001] {
        var h = LogHistogram()
        h.record(v)
        h.record(Int(Int32.max))
        let reported = h.percentile(50)!
        #expect(reported >= v)
        #expect(Double(reported - v) / Double(v) < 0.001)
    }
}

@Test func bucketIndexAndRangeAgree() {
    for bits in [3, 5, 10] {
        for v in [0, 1, 15, 16, 17, 100, 2047, 2048, 4095, 4096, 123_456, 9_999_999] {
            let i = LogHistogram.index(of: v, precisionBits: bits)
            let r = LogHistogram.range(of: i, precisionBits: bits)
            #expect(r.low <= v && v <= r.high, "value \(v) bits \(bits)")
        }
    }
}

@Test func mergeEqualsRecordingEverything() {
    var a = LogHistogram(), b = LogHistogram(), all = LogHistogram()
    for v in 0..<5000 {
        let value = (v * 7919) % 40_000
        if v % 2 == 0 { a.record(value) } else { b.record(value) }
        all.record(value)
    }
    a.merge(b)
    #expect(a == all, "merged histogram differs")
    #expect(a.percentile(99) == all.percentile(99))
}

@Test func negativeValuesAreNotRecorded() {
    var h = LogHistogram()
    h.record(-1)
    #expect(h.isEmpty)
    #expect(h.percentile(50) == nil)
}

@Test func exactTimerCountsFoldIntoTheSameHistograms() {
    let exact = ExactTimerCounts()
    exact.ensure(slots: 2)
    var recorded = [GroupStats(), GroupStats()]
    var folded = [GroupStats(), GroupStats()]
    var halogRecorded = [LogHistogram(), LogHistogram(), LogHistogram(), LogHistogram()]
    var halogFolded = halogRecorded
    for i in 0..<20_000 {
        let value = Int32((i * 7919) % 5000) - 10
        let slot = i % 2, timer = i % 5
        recorded[slot].timers[timer].record(Int(value))
        if !exact.count(slot: slot, timer: timer, value) { folded[slot].timers[timer].record(Int(value)) }
        halogRecorded[i % 4].record(Int(value))
        if !exact.countHalog(timer: i % 4, Int(value)) { halogFolded[i % 4].record(Int(value)) }
    }
    exact.fold(into: &folded, halogTimers: &halogFolded)
    for slot in 0..<2 {
        for timer in 0..<5 { #expect(folded[slot].timers[timer] == recorded[slot].timers[timer]) }
    }
    #expect(halogFolded == halogRecorded)
    // Folding clears: a second fold adds nothing.
    exact.fold(into: &folded, halogTimers: &halogFolded)
    #expect(halogFolded == halogRecorded)
}
