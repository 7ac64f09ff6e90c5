import NIOCore

/// Buffers a loop reuses from one exchange to the next, for bytes it builds per request (a rewritten
/// head). A user keeps the buffer it wrote once the write is handed over and the bytes are no longer
/// needed; by the time a later request asks, the socket has usually taken them, nothing else references
/// the storage, and emptying it allocates nothing. Still referenced (a slow peer), emptying it leaves the
/// old storage to its writer and makes a new one. Several are kept: requests of many connections are
/// taken in one wake-up before any of their exchanges ends.
struct RecycledBuffer {
    /// Enough for the exchanges in flight on one loop at the loads this matters for; beyond, buffers
    /// are simply freed.
    static let kept = 64
    private var buffers: [ByteBuffer] = []

    mutating func take(capacity: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        guard var buffer = buffers.popLast() else { return allocator.buffer(capacity: capacity) }
        buffer.clear(minimumCapacity: capacity)
        return buffer
    }

    /// Keeps `written` for a later `take`.
    mutating func keep(_ written: ByteBuffer) {
        guard buffers.count < Self.kept else { return }
        buffers.append(written)
    }
}
