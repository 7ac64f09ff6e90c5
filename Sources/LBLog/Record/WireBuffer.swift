/// The bytes of a record being written (`LogRecordTexts`): raw memory that grows when a record needs it,
/// owned by one emitter and reused for every record, so writing a field is a bounds check and a copy,
/// without an array's uniqueness and capacity checks on every append.
struct WireBuffer {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
    }

    /// Frees the memory; the owner calls it once, when it goes away.
    func deallocate() { base.deallocate() }

    @inline(__always)
    mutating func reserve(_ more: Int) {
        if count + more > capacity { grow(to: count + more) }
    }

    private mutating func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 8)
        bigger.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = bigger
        capacity = newCapacity
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count)
        if let source = bytes.baseAddress { (base + count).copyMemory(from: source, byteCount: bytes.count) }
        count += bytes.count
    }

    @inline(__always)
    mutating func append<T: BitwiseCopyable>(raw value: T) {
        reserve(MemoryLayout<T>.size)
        (base + count).storeBytes(of: value, as: T.self)
        count += MemoryLayout<T>.size
    }

    /// A 32-bit length (or count), `LogRecordWire.absent` for nil.
    @inline(__always)
    mutating func appendCount(_ count: Int?) {
        append(raw: count.map { UInt32(truncatingIfNeeded: $0) } ?? LogRecordWire.absent)
    }

    /// A text as its 32-bit length and UTF-8 bytes, or the absent marker for nil. A native string's bytes
    /// are read in place (no copy of the string, nothing retained).
    @inline(__always)
    mutating func appendText(_ text: String?) {
        guard let text else {
            appendCount(nil)
            return
        }
        appendBytes(of: text, counted: true)
    }

    @inline(__always)
    mutating func appendBytes(of text: String, counted: Bool) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
            if counted { appendCount(bytes.count) }
            append(UnsafeRawBufferPointer(bytes))
        }
        if done == nil {
            var copy = text
            copy.withUTF8 { bytes in
                if counted { appendCount(bytes.count) }
                append(UnsafeRawBufferPointer(bytes))
            }
        }
    }

    mutating func appendTexts(_ texts: [String]?) {
        appendCount(texts?.count)
        for text in texts ?? [] { appendText(text) }
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}
