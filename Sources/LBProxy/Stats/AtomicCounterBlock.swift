import Atomics

/// A fixed number of integer counters in one contiguous allocation, each updated with a relaxed atomic
/// add from any event loop. A histogram's buckets and its sum sit side by side in a few cache lines and
/// are reached by offset: an array of `ManagedAtomic` objects would put each counter in its own heap
/// object and cost a reference-counted load before every add.
final class AtomicCounterBlock: @unchecked Sendable {
    let count: Int
    // Written only through `UnsafeAtomic`; allocated once and freed with the block.
    private let storage: UnsafeMutablePointer<UnsafeAtomic<Int>.Storage>

    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: count)
        storage.initialize(repeating: UnsafeAtomic<Int>.Storage(0), count: count)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    @inline(__always)
    func add(_ value: Int, at index: Int) {
        precondition(index >= 0 && index < count, "counter \(index) of \(count)")
        UnsafeAtomic<Int>(at: storage + index).wrappingIncrement(by: value, ordering: .relaxed)
    }

    func load(at index: Int) -> Int {
        precondition(index >= 0 && index < count, "counter \(index) of \(count)")
        return UnsafeAtomic<Int>(at: storage + index).load(ordering: .relaxed)
    }

    /// Every counter, in order.
    func loadAll() -> [Int] { (0..<count).map { load(at: $0) } }
}
