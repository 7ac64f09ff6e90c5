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
        let reference = store.track("10.0.0.1", now: 0)!
        _ = store.update(reference) { $0.countRequest($1, now: 0) }
        let current = store.perform(.read(.connCurrent), on: reference, now: 1)
        #expect(current == 1)
        let value1 = store.perform(.read(.httpRequestRate), key: "10.0.0.1", now: 1)
        #expect(value1 == 1)
        let value2 = store.perform(.trackers, key: "10.0.0.1", now: 1)
        #expect(value2 == 1)
        store.release(reference, now: 2)
        let value3 = store.perform(.read(.connCurrent), key: "10.0.0.1", now: 3)
        #expect(value3 == 0, "conn_cur falls when the tracker ends")
        let value4 = store.perform(.read(.connCount), key: "10.0.0.1", now: 3)
        #expect(value4 == 1)
        let value5 = store.perform(.read(.gpc0), key: "10.0.0.1", now: 3)
        #expect(value5 == nil, "the table does not store gpc0")
    }

    @Test func heldEntriesOutliveTheirExpiryAndEviction() {
        var store = table(size: 2, expire: 1000)
        let held = store.track("10.0.0.1", now: 0)!
        let second = store.track("10.0.0.2", now: 10)!
        store.release(second, now: 10)
        let third = store.track("10.0.0.3", now: 20)!
        store.release(third, now: 20)
        #expect(store.count == 2)
        let value6 = store.counters(of: "10.0.0.1", now: 20)
        #expect(value6 != nil, "the held entry was not the one evicted")
        let value7 = store.counters(of: "10.0.0.2", now: 20)
        #expect(value7 == nil, "the least recently used free entry made room")
        let value8 = store.counters(of: "10.0.0.1", now: 5000)
        #expect(value8 != nil, "a held entry does not expire")
        let value9 = store.counters(of: "10.0.0.3", now: 5000)
        #expect(value9 == nil)
        store.release(held, now: 5000)
        let value10 = store.counters(of: "10.0.0.1", now: 5999)
        #expect(value10 != nil)
        let value11 = store.counters(of: "10.0.0.1", now: 6000)
        #expect(value11 == nil, "expiry counts from the release")
    }

    @Test func aStaleReferenceUpdatesNothing() {
        var store = table()
        let reference = store.track("10.0.0.1", now: 0)!
        store.release(reference, now: 0)
        let removed = store.remove(key: "10.0.0.1")
        #expect(removed)
        _ = store.track("10.0.0.2", now: 1)
        let value12 = store.perform(.read(.httpRequestRate), on: reference, now: 2)
        #expect(value12 == nil)
    }

    @Test func generalPurposeCounters() {
        var store = table(store: [(.gpc0, 0), (.gpc0Rate, 1000), (.gpt0, 0)])
        let value13 = store.perform(.incrementGPC0, key: "k", now: 0)
        #expect(value13 == 1, "a write creates the entry")
        let value14 = store.perform(.incrementGPC0, key: "k", now: 1)
        #expect(value14 == 2)
        let value15 = store.perform(.read(.gpc0Rate), key: "k", now: 2)
        #expect(value15 == 2)
        let value16 = store.perform(.clearGPC0, key: "k", now: 3)
        #expect(value16 == 2, "clr returns the value before clearing")
        let value17 = store.perform(.read(.gpc0), key: "k", now: 4)
        #expect(value17 == 0)
        let value18 = store.perform(.setGPT0(7), key: "k", now: 5)
        #expect(value18 == 7)
        let value19 = store.perform(.read(.gpt0), key: "k", now: 6)
        #expect(value19 == 7)
    }
}
