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

    /// "Slower" as a total order: by time, then earlier first, then by text, so that which of several
    /// equally slow requests are kept does not depend on the order workers read them in.
    @inline(__always)
    static func slower(_ a: Item, _ b: Item) -> Bool {
        if a.milliseconds != b.milliseconds { return a.milliseconds > b.milliseconds }
        if a.date != b.date { return a.date < b.date }
        return a.line < b.line
    }

    /// The value a new request must reach to be considered (−1 while the heap is not full).
    @inline(__always) public var threshold: Int { capacity == 0 ? .max : heap.count < capacity ? -1 : heap[0].milliseconds }

    public mutating func insert(_ item: Item) {
        guard capacity > 0 else { return }
        if heap.count < capacity {
            heap.append(item)
            var i = heap.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                if !Self.slower(heap[parent], heap[i]) { break }
                heap.swapAt(parent, i)
                i = parent
            }
        } else if Self.slower(item, heap[0]) {
            heap[0] = item
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var smallest = i
                if l < heap.count, Self.slower(heap[smallest], heap[l]) { smallest = l }
                if r < heap.count, Self.slower(heap[smallest], heap[r]) { smallest = r }
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
        heap.sorted(by: Self.slower)
    }
}
