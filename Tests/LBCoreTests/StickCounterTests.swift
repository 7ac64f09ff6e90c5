import LBConfig
import Testing
@testable import LBCore

/// Stick counters on a test clock (milliseconds passed in): HAProxy's sliding-period rate arithmetic,
/// tracking, expiry and eviction of tracked entries.
@Suite struct StickCounterTests {
    func table(size: Int = 3, expire: Int? = 30_000, store: [(StickDataType, Int)] = [(.httpRequestRate, 10_000)]) -> StickTableStore {
        var stored = StickStoredData()
        for (type, period) in store { stored.add(type, period: period) }
        return StickTableStore(StickTableDeclaration(type: .ip, size: size, expire: expire, stored: stored, location: Fixture.location(1)))
    }

    @Test func aRateCountsEventsOfTheCurrentPeriod() {
        var counter = FrequencyCounter()
        for instant in stride(from: Int64(1000), to: 1100, by: 5) { counter.add(1, period: 10_000, now: instant) }
        #expect(counter.read(period: 10_000, now: 1100) == 20)
    }

    /// The previous period weighs by the share of the window still over it: 20 events in the first
    /// period, read 2.5 s into the next, count as 20 × 7.5/10 = 15, plus what the new period holds.
    @Test func thePreviousPeriodFadesOutLinearly() {
        var counter = FrequencyCounter()
        for _ in 0..<20 { counter.add(1, period: 10_000, now: 0) }
        #expect(counter.read(period: 10_000, now: 9_999) == 20)
        #expect(counter.read(period: 10_000, now: 12_500) == 15, "the period is over: all 20 became the previous period")
        counter.add(4, period: 10_000, now: 12_500)
        #expect(counter.read(period: 10_000, now: 12_500) == 4 + 15)
        #expect(counter.read(period: 10_000, now: 15_000) == 4 + 10)
        #expect(counter.read(period: 10_000, now: 19_999) == 4 + 0, "20 × 1/10000 rounds down to 0")
        #expect(counter.read(period: 10_000, now: 25_000) == 2, "4 events left, weighted 5000/10000")
        #expect(counter.read(period: 10_000, now: 30_000) == 0, "two periods later nothing is left")
    }

    @Test func aGapOfTwoPeriodsForgetsThePast() {
        var counter = FrequencyCounter()
        counter.add(50, period: 1000, now: 0)
        counter.add(1, period: 1000, now: 2500)
        #expect(counter.read(period: 1000, now: 2500) == 1)
    }

    /// Below two events, HAProxy reports the previous count unweighted so a slow client does not flap
    /// between 0 and 1.
    @Test func aVeryLowRateDoesNotFlap() {
        var counter = FrequencyCounter()
        counter.add(1, period: 1000, now: 0)
        #expect(counter.read(period: 1000, now: 1900) == 1)
    }

    @Test func trackingCountsConnectionsAndRequests() {
        var store = table(store: [(.httpRequestRate, 10_000), (.connCurrent, 0), (.connCount, 0), (.httpRequestCount, 0)])
        let reference = try! #require(store.track("10.0.0.1", now: 0))
        _ = store.update(reference) { $0.countRequest($1, now: 0) }
        #expect(store.perform(.read(.connCurrent), on: reference, now: 1) == 1)
        #expect(store.perform(.read(.httpRequestRate), key: "10.0.0.1", now: 1) == 1)
        #expect(store.perform(.trackers, key: "10.0.0.1", now: 1) == 1)
        store.release(reference, now: 2)
        #expect(store.perform(.read(.connCurrent), key: "10.0.0.1", now: 3) == 0, "conn_cur falls when the tracker ends")
        #expect(store.perform(.read(.connCount), key: "10.0.0.1", now: 3) == 1)
        #expect(store.perform(.read(.gpc0), key: "10.0.0.1", now: 3) == nil, "the table does not store gpc0")
    }

    @Test func heldEntriesOutliveTheirExpiryAndEviction() {
        var store = table(size: 2, expire: 1000)
        let held = try! #require(store.track("10.0.0.1", now: 0))
        _ = store.track("10.0.0.2", now: 10).map { store.release($0, now: 10) }
        _ = store.track("10.0.0.3", now: 20).map { store.release($0, now: 20) }
        #expect(store.count == 2)
        #expect(store.counters(of: "10.0.0.1", now: 20) != nil, "the held entry was not the one evicted")
        #expect(store.counters(of: "10.0.0.2", now: 20) == nil, "the least recently used free entry made room")
        #expect(store.counters(of: "10.0.0.1", now: 5000) != nil, "a held entry does not expire")
        #expect(store.counters(of: "10.0.0.3", now: 5000) == nil)
        store.release(held, now: 5000)
        #expect(store.counters(of: "10.0.0.1", now: 5999) != nil)
        #expect(store.counters(of: "10.0.0.1", now: 6000) == nil, "expiry counts from the release")
    }

    @Test func aStaleReferenceUpdatesNothing() {
        var store = table()
        let reference = try! #require(store.track("10.0.0.1", now: 0))
        store.release(reference, now: 0)
        #expect(store.remove(key: "10.0.0.1"))
        _ = store.track("10.0.0.2", now: 1)
        #expect(store.perform(.read(.httpRequestRate), on: reference, now: 2) == nil)
    }

    @Test func generalPurposeCounters() {
        var store = table(store: [(.gpc0, 0), (.gpc0Rate, 1000), (.gpt0, 0)])
        #expect(store.perform(.incrementGPC0, key: "k", now: 0) == 1, "a write creates the entry")
        #expect(store.perform(.incrementGPC0, key: "k", now: 1) == 2)
        #expect(store.perform(.read(.gpc0Rate), key: "k", now: 2) == 2)
        #expect(store.perform(.clearGPC0, key: "k", now: 3) == 2, "clr returns the value before clearing")
        #expect(store.perform(.read(.gpc0), key: "k", now: 4) == 0)
        #expect(store.perform(.setGPT0(7), key: "k", now: 5) == 7)
        #expect(store.perform(.read(.gpt0), key: "k", now: 6) == 7)
    }
}
