/// The N slowest requests by Ta, kept in a min-heap so a line is copied to a String only when it enters.
public struct SlowestRequests: Sendable {
    public struct Item: Sendable, Equatable {
        public var milliseconds: Int
        public var date: Int64
        public var line: String
    }

    public let capacity: Int
    public private(set) var heap: [Item] = []

    public init(capacity: Int) { self.capacity = capacity }

    /// The value a new request must exceed to enter (−1 while the heap is not full).
    @inline(__always) public var threshold: Int { capacity == 0 ? .max : heap.count < capacity ? -1 : heap[0].milliseconds }

    public mutating func insert(_ item: Item) {
        guard capacity > 0 else { return }
        if heap.count < capacity {
            heap.append(item)
            var i = heap.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                if heap[parent].milliseconds <= heap[i].milliseconds { break }
                heap.swapAt(parent, i)
                i = parent
            }
        } else if item.milliseconds > heap[0].milliseconds {
            heap[0] = item
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var smallest = i
                if l < heap.count, heap[l].milliseconds < heap[smallest].milliseconds { smallest = l }
                if r < heap.count, heap[r].milliseconds < heap[smallest].milliseconds { smallest = r }
                if smallest == i { break }
                heap.swapAt(i, smallest)
                i = smallest
            }
        }
    }

    public mutating func merge(_ other: SlowestRequests) {
        for item in other.heap { insert(item) }
    }

    /// Slowest first; ties by date.
    public var sorted: [Item] {
        heap.sorted { $0.milliseconds != $1.milliseconds ? $0.milliseconds > $1.milliseconds : $0.date < $1.date }
    }
}
