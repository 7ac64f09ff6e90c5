import Testing
@testable import LBReport

/// The timeline keeps the slot lines are going to in flat counters (`TimelineOpenSlot`): what it reports
/// must be what adding each line to its slot's histogram gives, whatever reads it and whenever.
struct TimelineTests {
    struct Line {
        var date: Int64
        var latency: Int
        var isError: Bool
        var isServerError: Bool
    }

    /// Lines over a few hours, mostly in order with some going back, latencies across many octaves,
    /// some without a latency and one beyond Int32.
    static func lines(_ count: Int, seed: UInt64) -> [Line] {
        var state = seed | 1
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        var date: Int64 = 1_700_000_000_000
        return (0..<count).map { k in
            date += Int64(next() % 900)
            let back = next() % 50 == 0 ? Int64(next() % 120_000) : 0
            let r = next()
            let latency: Int
            switch r % 10 {
            case 0: latency = -1
            case 1: latency = Int(r % 100_000)
            case 2: latency = k == 17 ? Int(Int32.max) + 5 : Int(r % 3000)
            default: latency = Int(r % 300)
            }
            return Line(date: date - back, latency: latency, isError: r % 7 == 0, isServerError: r % 11 == 0)
        }
    }

    /// The slots as adding every line straight to its slot would build them.
    static func expected(_ lines: [Line], width: Int64) -> [Int64: Timeline.Slot] {
        var slots: [Int64: Timeline.Slot] = [:]
        for l in lines {
            let key = l.date / width
            slots[key, default: Timeline.Slot()].requests += 1
            if l.isError { slots[key]!.errors += 1 }
            if l.isServerError { slots[key]!.serverErrors += 1 }
            slots[key]!.latency.record(l.latency)
        }
        return slots
    }

    static func check(_ t: Timeline, against want: [Int64: Timeline.Slot], _ note: String) {
        let got = t.ordered
        #expect(got.count == want.count, "\(note): slot count")
        for (start, slot) in got {
            guard let w = want[start / t.width] else {
                Issue.record("\(note): unexpected slot at \(start)")
                continue
            }
            #expect(slot.requests == w.requests && slot.errors == w.errors && slot.serverErrors == w.serverErrors,
                    "\(note): counts at \(start)")
            #expect(slot.latency == w.latency, "\(note): latency at \(start)")
        }
    }

    @Test func slotsEqualAddingEachLineToItsSlot() {
        let lines = Self.lines(20_000, seed: 7)
        var t = Timeline(width: 1000, maxSlots: 100_000)
        for l in lines { t.add(date: l.date, latency: l.latency, isError: l.isError, isServerError: l.isServerError) }
        Self.check(t, against: Self.expected(lines, width: 1000), "1 s slots")
        // Reading did not move or lose the open slot's counts: more lines still land where they belong.
        let more = Self.lines(3000, seed: 8)
        for l in more { t.add(date: l.date, latency: l.latency, isError: l.isError, isServerError: l.isServerError) }
        Self.check(t, against: Self.expected(lines + more, width: 1000), "after reading, more lines")
    }

    @Test func coarseningKeepsEveryLine() {
        let lines = Self.lines(20_000, seed: 9)
        var t = Timeline(width: 1000, maxSlots: 64)
        for l in lines { t.add(date: l.date, latency: l.latency, isError: l.isError, isServerError: l.isServerError) }
        #expect(t.width > 1000)
        #expect(t.slots.count <= 64)
        Self.check(t, against: Self.expected(lines, width: t.width), "coarsened to \(t.width) ms")
    }

    @Test func copiesAreIndependentAndMergeToTheWhole() {
        let lines = Self.lines(10_000, seed: 11)
        var a = Timeline(width: 1000, maxSlots: 100_000)
        for l in lines[..<5000] { a.add(date: l.date, latency: l.latency, isError: l.isError, isServerError: l.isServerError) }
        // The copy shares the open slot until one of them changes: each must keep its own counts.
        var b = a
        var rebucketed = a
        rebucketed.rebucket(to: 60_000)
        for l in lines[5000...] { b.add(date: l.date, latency: l.latency, isError: l.isError, isServerError: l.isServerError) }
        Self.check(a, against: Self.expected(Array(lines[..<5000]), width: 1000), "original")
        Self.check(b, against: Self.expected(lines, width: 1000), "copy with more lines")
        Self.check(rebucketed, against: Self.expected(Array(lines[..<5000]), width: 60_000), "rebucketed copy")

        var c = Timeline(width: 1000, maxSlots: 100_000)
        for l in lines[5000...] { c.add(date: l.date, latency: l.latency, isError: l.isError, isServerError: l.isServerError) }
        a.merge(c)
        Self.check(a, against: Self.expected(lines, width: 1000), "merged halves")
    }
}
