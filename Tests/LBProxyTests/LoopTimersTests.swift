@testable import LBProxy
import NIOCore
import NIOEmbedded
import Testing

/// The loop's timers on an embedded loop whose clock the test moves.
@Suite struct LoopTimersTests {
    final class Entry: TimerWheelEntry {
        var wheelPosition = TimerWheelPosition.unarmed
        var fired: [UInt64] = []
        var onFire: ((UInt64) -> Void)?
        func timerWheelFired(now: UInt64) {
            fired.append(now)
            onFire?(now)
        }
    }

    static let ms: UInt64 = 1_000_000

    private func makeTimers(_ loop: EmbeddedEventLoop) -> LoopTimers {
        LoopTimers(eventLoop: loop, slotCount: 64, clock: { loop.now.uptimeNanoseconds })
    }

    @Test func anEntryFiresAtTheFirstTickAtOrAfterItsInstant() {
        let loop = EmbeddedEventLoop()
        let timers = makeTimers(loop)
        let entry = Entry()
        #expect(timers.arm(entry, at: 5 * Self.ms + 300) == 6 * Self.ms)
        loop.advanceTime(to: .uptimeNanoseconds(5 * Self.ms + 999_999))
        #expect(entry.fired.isEmpty)
        loop.advanceTime(to: .uptimeNanoseconds(6 * Self.ms))
        #expect(entry.fired == [6 * Self.ms])
        #expect(entry.wheelPosition.isUnarmed && timers.count == 0)
    }

    @Test func aDisarmedEntryNeverFires() {
        let loop = EmbeddedEventLoop()
        let timers = makeTimers(loop)
        let kept = Entry(), dropped = Entry()
        _ = timers.arm(dropped, at: 3 * Self.ms)
        _ = timers.arm(kept, at: 8 * Self.ms)
        timers.disarm(dropped)
        loop.advanceTime(to: .uptimeNanoseconds(10 * Self.ms))
        #expect(dropped.fired.isEmpty)
        #expect(kept.fired == [8 * Self.ms])
    }

    @Test func anEarlierEntryMovesTheWakeUpForward() {
        let loop = EmbeddedEventLoop()
        let timers = makeTimers(loop)
        let late = Entry(), early = Entry()
        _ = timers.arm(late, at: 40 * Self.ms)
        _ = timers.arm(early, at: 2 * Self.ms)
        loop.advanceTime(to: .uptimeNanoseconds(2 * Self.ms))
        #expect(early.fired == [2 * Self.ms] && late.fired.isEmpty)
        loop.advanceTime(to: .uptimeNanoseconds(40 * Self.ms))
        #expect(late.fired == [40 * Self.ms])
    }

    @Test func aDeadlineBeyondTheReachFiresAtItsDeadline() {
        let loop = EmbeddedEventLoop()
        let timers = makeTimers(loop)
        let entry = Entry()
        // 64 one-millisecond slots: the reach ends 64 ms from now, and the entry is filed again at each
        // end until its deadline.
        #expect(timers.arm(entry, at: 1_000 * Self.ms) == 1_000 * Self.ms)
        loop.advanceTime(to: .uptimeNanoseconds(999 * Self.ms))
        #expect(entry.fired.isEmpty && entry.wheelPosition.isArmed)
        loop.advanceTime(to: .uptimeNanoseconds(1_000 * Self.ms))
        #expect(entry.fired == [1_000 * Self.ms])
    }

    @Test func anEntryBeyondTheReachCanBeDisarmedOnItsWay() {
        let loop = EmbeddedEventLoop()
        let timers = makeTimers(loop)
        let entry = Entry()
        _ = timers.arm(entry, at: 500 * Self.ms)
        loop.advanceTime(to: .uptimeNanoseconds(200 * Self.ms))
        timers.disarm(entry)
        loop.advanceTime(to: .uptimeNanoseconds(600 * Self.ms))
        #expect(entry.fired.isEmpty && timers.count == 0)
    }

    @Test func anEntryFiringCanDisarmAnotherDueAtTheSameTickAndArmItselfAgain() {
        let loop = EmbeddedEventLoop()
        let timers = makeTimers(loop)
        let first = Entry(), second = Entry()
        first.onFire = { now in
            timers.disarm(second)
            _ = timers.arm(first, at: now + 10 * Self.ms)
        }
        _ = timers.arm(first, at: 5 * Self.ms)
        _ = timers.arm(second, at: 5 * Self.ms)
        loop.advanceTime(to: .uptimeNanoseconds(5 * Self.ms))
        #expect(first.fired == [5 * Self.ms] && second.fired.isEmpty)
        first.onFire = nil
        loop.advanceTime(to: .uptimeNanoseconds(15 * Self.ms))
        #expect(first.fired == [5 * Self.ms, 15 * Self.ms])
    }

    @Test func afterAQuietSpellADeadlineIsFiledFromTheNewPresent() {
        let loop = EmbeddedEventLoop()
        let timers = makeTimers(loop)
        loop.advanceTime(to: .uptimeNanoseconds(10_000 * Self.ms))
        let entry = Entry()
        #expect(timers.arm(entry, at: 10_030 * Self.ms) == 10_030 * Self.ms)
        loop.advanceTime(to: .uptimeNanoseconds(10_030 * Self.ms))
        #expect(entry.fired == [10_030 * Self.ms])
    }
}
