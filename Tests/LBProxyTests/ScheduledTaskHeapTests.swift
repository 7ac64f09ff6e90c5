import Testing
@testable import LBProxy

/// The schedule of lb's own event loops: earliest deadline first, first scheduled first among equal
/// deadlines, cancellation without a search.
struct ScheduledTaskHeapTests {
    private final class Log {
        var ran: [String] = []
    }

    private func entry(_ name: String, at deadline: UInt64, _ log: Log) -> ScheduledTaskHeap.Entry {
        ScheduledTaskHeap.Entry(deadline: deadline, run: { log.ran.append(name) })
    }

    @Test func dueTasksComeOutEarliestFirstAndInOrderOfSchedulingAtEqualDeadlines() {
        let log = Log()
        var heap = ScheduledTaskHeap()
        for (name, deadline) in [("c", 30), ("a1", 10), ("b", 20), ("a2", 10), ("late", 100), ("a3", 10)] as [(String, UInt64)] {
            heap.insert(entry(name, at: deadline, log))
        }
        var due: [ScheduledTaskHeap.Entry] = []
        heap.takeDue(now: 30, into: &due)
        for task in due { task.run() }
        #expect(log.ran == ["a1", "a2", "a3", "b", "c"])
        let earliest = heap.earliest
        #expect(earliest == 100)
    }

    @Test func insertSaysWhetherTheTaskIsNowTheEarliest() {
        let log = Log()
        var heap = ScheduledTaskHeap()
        let first = heap.insert(entry("x", at: 50, log))
        let later = heap.insert(entry("y", at: 60, log))
        let tied = heap.insert(entry("same", at: 50, log))
        let earlier = heap.insert(entry("z", at: 40, log))
        #expect(first && !later && !tied && earlier)
    }

    @Test func aCancelledTaskNeverComesOutAndNoLongerSetsTheWait() {
        let log = Log()
        var heap = ScheduledTaskHeap()
        let first = entry("first", at: 10, log)
        heap.insert(first)
        heap.insert(entry("second", at: 20, log))
        let cancelled = heap.cancel(first)
        let again = heap.cancel(first)
        #expect(cancelled && !again)
        let next = heap.earliest
        #expect(next == 20)
        var due: [ScheduledTaskHeap.Entry] = []
        heap.takeDue(now: 1000, into: &due)
        #expect(due.count == 1)
        due[0].run()
        #expect(log.ran == ["second"])
        // Taken to run: too late to cancel.
        let late = heap.cancel(due[0])
        #expect(!late)
        let earliest = heap.earliest
        #expect(earliest == nil)
    }

    @Test func removeAllHandsBackTheTasksThatWereNotCancelled() {
        let log = Log()
        var heap = ScheduledTaskHeap()
        let cancelled = entry("cancelled", at: 5, log)
        heap.insert(cancelled)
        heap.insert(entry("kept", at: 7, log))
        _ = heap.cancel(cancelled)
        let left = heap.removeAll()
        #expect(left.count == 1)
        left[0].run()
        #expect(log.ran == ["kept"])
        #expect(heap.count == 0)
    }

    @Test func manyRandomDeadlinesComeOutSorted() {
        var generator = SystemRandomNumberGenerator()
        var heap = ScheduledTaskHeap()
        var deadlines: [UInt64] = []
        let log = Log()
        for index in 0..<500 {
            let deadline = UInt64.random(in: 0..<200, using: &generator)
            deadlines.append(deadline)
            heap.insert(ScheduledTaskHeap.Entry(deadline: deadline, run: { log.ran.append("\(index)") }))
        }
        var due: [ScheduledTaskHeap.Entry] = []
        heap.takeDue(now: 1000, into: &due)
        #expect(due.map(\.deadline) == deadlines.sorted())
    }
}
