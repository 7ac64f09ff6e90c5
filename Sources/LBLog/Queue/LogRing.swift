import Atomics

/// The queue between one producing thread (an event loop) and the log writer: a ring of bytes with one
/// writer and one reader, bounded, never blocking. The producer copies an entry in and publishes it
/// with one atomic store; the writer reads entries in place and frees their space with another. No lock,
/// no allocation and nothing reference counted crosses between the threads, so handing over a record
/// costs the event loop a copy of its bytes.
///
/// An entry is a 16-byte `EntryHeader` and its payload, padded to 8 bytes; one that does not fit before
/// the end of the storage starts again at its beginning, behind a wrap marker. A full ring drops the
/// entry and counts it.
final class LogRing: @unchecked Sendable {
    struct EntryHeader {
        var payloadLength: UInt32
        var kind: Kind
        var level: UInt8
        var logger: UInt16
        var microseconds: Int64
    }

    enum Kind: UInt8 {
        /// A `LogRecordWire` record, formatted by the writer with its logger's format.
        case record
        /// A message already worded (process events): sent as is.
        case message
    }

    static let headerSize = MemoryLayout<EntryHeader>.size
    private static let wrapMarker = UInt32.max

    let capacity: Int
    private let storage: UnsafeMutableRawPointer
    /// Bytes published by the producer and freed by the writer since the start (positions, not offsets).
    private let published = ManagedAtomic<Int>(0)
    private let freed = ManagedAtomic<Int>(0)
    let accepted = ManagedAtomic<UInt64>(0)
    let dropped = ManagedAtomic<UInt64>(0)
    let delivered = ManagedAtomic<UInt64>(0)
    /// The producer is between its check of `closed` and its publication (see `LogQueue.close`).
    let busy = ManagedAtomic<Bool>(false)

    // The producer's own.
    private var head = 0
    private var knownFreed = 0
    private var headAtLastWake = 0
    // The writer's own.
    private var tail = 0

    /// `capacity` is rounded up to a multiple of 8 and at least 64 bytes.
    init(capacity: Int) {
        self.capacity = max(64, (capacity + 7) & ~7)
        storage = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 8)
    }

    deinit { storage.deallocate() }

    private static func padded(_ length: Int) -> Int { (length + 7) & ~7 }

    /// Producer side: copies an entry in and publishes it, or counts it dropped when it does not fit.
    /// Returns whether it was queued and whether the writer should be woken (a batch's worth waits).
    func push(kind: Kind, level: UInt8, logger: UInt16, microseconds: Int64, payload: UnsafeRawBufferPointer,
              wakeAfter batchBytes: Int) -> (queued: Bool, wake: Bool) {
        let need = Self.headerSize + Self.padded(payload.count)
        var offset = head % capacity
        let toEnd = capacity - offset
        let total = toEnd < need ? toEnd + need : need
        if head + total - knownFreed > capacity {
            knownFreed = freed.load(ordering: .acquiring)
            guard head + total - knownFreed <= capacity else {
                dropped.wrappingIncrement(ordering: .relaxed)
                return (false, false)
            }
        }
        if toEnd < need {
            storage.storeBytes(of: Self.wrapMarker, toByteOffset: offset, as: UInt32.self)
            head += toEnd
            offset = 0
        }
        storage.storeBytes(of: EntryHeader(payloadLength: UInt32(payload.count), kind: kind, level: level, logger: logger,
                                           microseconds: microseconds), toByteOffset: offset, as: EntryHeader.self)
        if let base = payload.baseAddress { (storage + offset + Self.headerSize).copyMemory(from: base, byteCount: payload.count) }
        head += need
        // Counted before it is published, so `delivered` never passes `accepted`.
        accepted.wrappingIncrement(ordering: .relaxed)
        published.store(head, ordering: .releasing)
        guard head - headAtLastWake >= batchBytes else { return (true, false) }
        knownFreed = freed.load(ordering: .acquiring)
        guard head - knownFreed >= batchBytes else { return (true, false) }
        headAtLastWake = head
        return (true, true)
    }

    /// Writer side: hands each published entry to `body` in order, with its payload in place, and frees
    /// the space as it goes. Returns how many entries there were.
    @discardableResult
    func drain(_ body: (EntryHeader, UnsafeRawBufferPointer) -> Void) -> Int {
        let end = published.load(ordering: .acquiring)
        var count = 0
        while tail < end {
            let offset = tail % capacity
            if storage.load(fromByteOffset: offset, as: UInt32.self) == Self.wrapMarker {
                tail += capacity - offset
                continue
            }
            let header = storage.load(fromByteOffset: offset, as: EntryHeader.self)
            body(header, UnsafeRawBufferPointer(start: storage + offset + Self.headerSize, count: Int(header.payloadLength)))
            tail += Self.headerSize + Self.padded(Int(header.payloadLength))
            count += 1
            // Free space as the batch goes, so a long batch does not hold the whole ring.
            if count & 63 == 0 { freed.store(tail, ordering: .releasing) }
        }
        freed.store(tail, ordering: .releasing)
        // Releasing, so that a reader who sees this count also sees the `accepted` count that preceded it.
        delivered.wrappingIncrement(by: UInt64(count), ordering: .releasing)
        return count
    }

    /// Bytes published and not yet freed.
    var pendingBytes: Int {
        // Freed first: it never passes published, so the difference stays positive.
        let freed = freed.load(ordering: .acquiring)
        return published.load(ordering: .acquiring) - freed
    }
}
