import Testing
@testable import LBStats

/// Rates derived from a counter read once a second, and the sparkline drawn from them.
struct RateHistoryTests {
    @Test func ratesAreDifferencesBetweenReadings() {
        var history = RateHistory()
        history.record(total: 100)
        #expect(history.rate == EventRate(current: 0, maximum: 0, recent: []))
        for total in [105, 125, 126] { history.record(total: total) }
        #expect(history.rate == EventRate(current: 1, maximum: 20, recent: [5, 20, 1]))
    }

    @Test func aClearedCounterGivesZeroNotANegativeRate() {
        var history = RateHistory()
        for total in [50, 80, 3, 10] { history.record(total: total) }
        #expect(history.rate.recent == [30, 0, 7])
        #expect(history.rate.maximum == 30)
    }

    @Test func onlyTheLastMinuteIsKeptButTheMaximumStays() {
        var history = RateHistory()
        var total = 0
        history.record(total: total)
        total += 1000
        history.record(total: total)
        for second in 1...RateHistory.seconds + 5 {
            total += second
            history.record(total: total)
        }
        #expect(history.rate.recent.count == RateHistory.seconds)
        #expect(history.rate.recent.first == 6)
        #expect(history.rate.current == RateHistory.seconds + 5)
        #expect(history.rate.maximum == 1000)
    }

    @Test func sparklineIsRightAlignedAndScaledToThePeak() throws {
        #expect(Sparkline.svg(nil, unit: "requests") == nil)
        #expect(Sparkline.svg(EventRate(current: 0, maximum: 0, recent: []), unit: "requests") == nil)
        let svg = try #require(Sparkline.svg(EventRate(current: 10, maximum: 10, recent: [0, 5, 10]), unit: "requests"))
        // Three seconds on the right edge: 0 at the bottom line, the peak at the top line.
        #expect(svg.contains("points=\"115,15 117,8 119,1\""), "\(svg)")
        #expect(svg.contains("aria-label=\"requests per second over the last 3 s: now 10, peak 10\""))
        #expect(!svg.contains("<script"))
    }
}
