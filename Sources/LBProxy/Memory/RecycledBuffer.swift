import NIOCore

/// Buffers a loop reuses from one exchange to the next, for bytes it builds per request (a rewritten
/// head). A user keeps the buffer it wrote once the write is handed over and the bytes are no longer
/// needed. The socket may not have taken them yet: writes wait for the end of the loop's batch of events
/// (`DeferredFlushes`), so a buffer kept during this batch is usually still referenced by its write.
/// The oldest kept buffer is therefore the one taken first, and only if nothing else references it;
/// otherwise a new one is made and the kept ones wait for a later request.
///
/// As many are kept as the exchanges a loop had in flight at once, up to `kept`: with a thousand clients
/// a batch of events starts hundreds of requests before any of them ends.
struct RecycledBuffer {
    /// Enough for the exchanges in flight on one loop at the loads this matters for; beyond, buffers are
    /// simply freed. A kept head buffer holds a few hundred bytes.
    static let kept = 1024
    private var buffers = CircularBuffer<ByteBuffer>(initialCapacity: 16)

    /// Buffers kept and not taken back yet.
    var count: Int { buffers.count }

    mutating func take(capacity: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        guard !buffers.isEmpty else { return allocator.buffer(capacity: capacity) }
        var buffer = buffers.removeFirst()
        let emptied: Void? = buffer.modifyIfUniquelyOwned { $0.clear(minimumCapacity: capacity) }
        guard emptied != nil else {
            // Still being written: newer ones are too. It stays first in line for a later request.
            buffers.prepend(buffer)
            return allocator.buffer(capacity: capacity)
        }
        return buffer
    }

    /// Keeps `written` for a later `take`.
    mutating func keep(_ written: ByteBuffer) {
        if buffers.count >= Self.kept { buffers.removeFirst() }
        buffers.append(written)
    }
}
