/// A buffer of plain values that grows by doubling and is freed with its owner: per-request scratch
/// memory that hot loops read through a pointer, with no reference counting and no uniqueness checks
/// (which a Swift array in a mutable struct pays on every access). Nothing is allocated until the first
/// append: most requests never fetch a value, and must not pay a malloc and a free for the buffer.
struct ScratchBuffer<Element>: ~Copyable {
    /// Valid for `count` elements; a dangling, never-read address while nothing was appended.
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity = 0
    private let initialCapacity: Int

    init(capacity: Int) {
        initialCapacity = max(capacity, 1)
        base = UnsafeMutablePointer(bitPattern: MemoryLayout<Element>.alignment)!
    }

    deinit {
        guard capacity > 0 else { return }
        base.deinitialize(count: count)
        base.deallocate()
    }

    @inline(__always)
    subscript(index: Int) -> Element { base[index] }

    /// The elements in `range`; valid until the next append.
    @inline(__always)
    func elements(_ range: Range<Int>) -> UnsafeBufferPointer<Element> {
        UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow(toHold: count + 1) }
        (base + count).initialize(to: element)
        count += 1
    }

    mutating func append(contentsOf elements: UnsafeBufferPointer<Element>) {
        guard let source = elements.baseAddress else { return }
        if count + elements.count > capacity { grow(toHold: count + elements.count) }
        (base + count).initialize(from: source, count: elements.count)
        count += elements.count
    }

    /// Makes room for `count` more elements and returns where they go; the caller initializes all of them.
    mutating func appendUninitialized(count added: Int) -> UnsafeMutablePointer<Element> {
        if count + added > capacity { grow(toHold: count + added) }
        let start = base + count
        count += added
        return start
    }

    private mutating func grow(toHold needed: Int) {
        var newCapacity = max(capacity * 2, initialCapacity)
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        if capacity > 0 {
            newBase.moveInitialize(from: base, count: count)
            base.deallocate()
        }
        base = newBase
        capacity = newCapacity
    }
}
