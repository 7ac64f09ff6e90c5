/// The scheduled tasks of an `EpollLoop`: a binary min-heap by deadline, first scheduled first among
/// equal deadlines. A cancelled task stays in the heap until it reaches the top, so cancelling is O(1).
/// Not thread-safe: its loop guards it.
struct ScheduledTaskHeap {
    final class Entry: @unchecked Sendable {
        let deadline: UInt64
        fileprivate var order: UInt64 = 0
        fileprivate var cancelled = false
        fileprivate var taken = false
        let run: () -> Void
        /// Fails the task's promise: it will never run.
        let abandon: (Error) -> Void

        init(deadline: UInt64, run: @escaping () -> Void, abandon: @escaping (Error) -> Void = { _ in }) {
            self.deadline = deadline
            self.run = run
            self.abandon = abandon
        }

        fileprivate func precedes(_ other: Entry) -> Bool {
            deadline != other.deadline ? deadline < other.deadline : order < other.order
        }
    }

    private var entries: [Entry] = []
    private var nextOrder: UInt64 = 0

    /// Tasks in the heap, cancelled ones included.
    var count: Int { entries.count }

    /// The earliest deadline of a task not cancelled, dropping the cancelled ones in front of it.
    var earliest: UInt64? {
        mutating get {
            while let first = entries.first, first.cancelled { popFirst() }
            return entries.first?.deadline
        }
    }

    /// Adds `entry`; returns true when it is now the earliest.
    @discardableResult
    mutating func insert(_ entry: Entry) -> Bool {
        entry.order = nextOrder
        nextOrder &+= 1
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].precedes(entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
        return child == 0
    }

    /// Marks `entry` cancelled; returns false when it already ran (or was taken to run) or was cancelled.
    mutating func cancel(_ entry: Entry) -> Bool {
        guard !entry.taken, !entry.cancelled else { return false }
        entry.cancelled = true
        return true
    }

    /// Moves every task due at `now` (deadline at or before it) into `due`, earliest first.
    mutating func takeDue(now: UInt64, into due: inout [Entry]) {
        while let first = entries.first, first.cancelled || first.deadline <= now {
            popFirst()
            if !first.cancelled {
                first.taken = true
                due.append(first)
            }
        }
    }

    /// Empties the heap and returns the tasks not cancelled.
    mutating func removeAll() -> [Entry] {
        defer { entries.removeAll() }
        return entries.filter { !$0.cancelled }
    }

    private mutating func popFirst() {
        let last = entries.removeLast()
        guard !entries.isEmpty else { return }
        entries[0] = last
        var parent = 0
        let count = entries.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            var smallest = left
            if left + 1 < count, entries[left + 1].precedes(entries[left]) { smallest = left + 1 }
            guard entries[smallest].precedes(entries[parent]) else { break }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
