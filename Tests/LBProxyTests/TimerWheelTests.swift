@testable import LBProxy
import Testing

/// The timing wheel's bookkeeping, with ticks as plain numbers.
@Suite struct TimerWheelTests {
    final class Entry: TimerWheelEntry {
        let name: Int
        var wheelPosition = TimerWheelPosition.unarmed
        init(_ name: Int) { self.name = name }
        func timerWheelFired(now: UInt64) {}
    }

    private func names(_ due: [any TimerWheelEntry]) -> [Int] { due.map { ($0 as! Entry).name } }

    @Test func entriesComeOutAtTheirTicksInTickOrder() {
        var wheel = TimerWheel(slotCount: 64, processedThrough: 1000)
        let entries = (0..<4).map(Entry.init)
        #expect(wheel.insert(entries[0], at: 1010) == 1010)
        #expect(wheel.insert(entries[1], at: 1003) == 1003)
        #expect(wheel.insert(entries[2], at: 1010) == 1010)
        #expect(wheel.insert(entries[3], at: 1050) == 1050)
        #expect(wheel.count == 4 && wheel.nextTick() == 1003)

        var due: [any TimerWheelEntry] = []
        wheel.takeDue(through: 1002, into: &due)
        #expect(due.isEmpty && wheel.processedThrough == 1002)
        wheel.takeDue(through: 1010, into: &due)
        #expect(names(due) == [1, 0, 2])
        #expect(due.allSatisfy { $0.wheelPosition.isFiring })
        #expect(wheel.count == 1 && wheel.nextTick() == 1050 && wheel.processedThrough == 1010)
    }

    @Test func aTickAlreadyPastIsFiledAtTheNextOneAndOneTooFarAtTheEndOfTheReach() {
        var wheel = TimerWheel(slotCount: 64, processedThrough: 500)
        #expect(wheel.insert(Entry(0), at: 10) == 501)
        #expect(wheel.insert(Entry(1), at: 500) == 501)
        #expect(wheel.insert(Entry(2), at: 10_000) == 564)
        #expect(wheel.nextTick() == 501)
    }

    @Test func removingTakesOneEntryOutAndKeepsTheOthersFindable() {
        var wheel = TimerWheel(slotCount: 64, processedThrough: 0)
        let entries = (0..<5).map(Entry.init)
        for entry in entries { wheel.insert(entry, at: 7) }
        wheel.remove(entries[1])
        wheel.remove(entries[4])
        #expect(entries[1].wheelPosition.isUnarmed && wheel.count == 3)
        // Removing again, or removing what was never filed, changes nothing.
        wheel.remove(entries[1])
        wheel.remove(Entry(9))
        #expect(wheel.count == 3)
        // The entry moved into the freed place can itself be removed.
        wheel.remove(entries[3])
        var due: [any TimerWheelEntry] = []
        wheel.takeDue(through: 7, into: &due)
        #expect(Set(names(due)) == [0, 2])
        #expect(wheel.count == 0 && wheel.nextTick() == nil)
    }

    @Test func anEmptiedSlotIsNoLongerTheNextTick() {
        var wheel = TimerWheel(slotCount: 64, processedThrough: 0)
        let early = Entry(0), late = Entry(1)
        wheel.insert(early, at: 3)
        wheel.insert(late, at: 40)
        wheel.remove(early)
        #expect(wheel.nextTick() == 40)
    }

    @Test func theNextTickIsFoundAcrossTheRingsWrap() {
        // 200 ticks past: the reach (201...264) starts in the ring's fourth word and wraps to its first.
        var wheel = TimerWheel(slotCount: 64 * 4, processedThrough: 200)
        wheel.insert(Entry(0), at: 450)
        #expect(wheel.nextTick() == 450)
        wheel.insert(Entry(1), at: 256)
        #expect(wheel.nextTick() == 256)
        var due: [any TimerWheelEntry] = []
        wheel.takeDue(through: 300, into: &due)
        #expect(names(due) == [1] && wheel.nextTick() == 450)
        wheel.takeDue(through: 449, into: &due)
        #expect(names(due) == [1])
        wheel.takeDue(through: 450, into: &due)
        #expect(names(due) == [1, 0] && wheel.count == 0)
    }

    @Test func anEntryRemovedWhileFiringIsMarkedUnarmed() {
        var wheel = TimerWheel(slotCount: 64, processedThrough: 0)
        let entry = Entry(0)
        wheel.insert(entry, at: 2)
        var due: [any TimerWheelEntry] = []
        wheel.takeDue(through: 2, into: &due)
        wheel.remove(entry)
        #expect(entry.wheelPosition.isUnarmed && wheel.count == 0)
    }

    @Test func manyEntriesInManySlotsAllComeOutOnce() {
        var wheel = TimerWheel(slotCount: 1024, processedThrough: 0)
        let entries = (0..<3000).map(Entry.init)
        for entry in entries { wheel.insert(entry, at: UInt64(1 + entry.name * 7 % 1000)) }
        for entry in entries where entry.name % 3 == 0 { wheel.remove(entry) }
        var due: [any TimerWheelEntry] = []
        var previousTick: UInt64 = 0
        while let tick = wheel.nextTick() {
            #expect(tick > previousTick)
            previousTick = tick
            wheel.takeDue(through: tick, into: &due)
        }
        #expect(names(due).sorted() == entries.map(\.name).filter { $0 % 3 != 0 })
    }
}
