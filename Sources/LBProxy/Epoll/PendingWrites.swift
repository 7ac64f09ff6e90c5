import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// What an `EpollSocketChannel` was asked to write and has not sent yet, in order, with the part that
/// a flush released. Confined to the channel's loop.
struct PendingWrites {
    /// At most this many buffers leave in one `sendmsg`.
    static let vectorLimit = 64

    private var buffers: [ByteBuffer] = []
    private var promises: [EventLoopPromise<Void>?] = []
    /// Index of the first buffer not fully sent.
    private var head = 0
    /// Buffers before this index were flushed.
    private var flushedEnd = 0
    private(set) var bytes = 0
    /// Shut the write side once everything is sent (a half-close asked for while writes were pending).
    var shutdownWhenSent = false

    var isEmpty: Bool { head == buffers.count }
    var hasFlushed: Bool { head < flushedEnd }

    mutating func append(_ buffer: ByteBuffer, _ promise: EventLoopPromise<Void>?) {
        buffers.append(buffer)
        promises.append(promise)
        bytes += buffer.readableBytes
    }

    mutating func markFlushed() { flushedEnd = buffers.count }

    enum SendResult {
        case sentAll
        case wouldBlock
        case failed(IOError)
    }

    /// One send of (at most `vectorLimit` of) the flushed buffers: `sentAll` when every buffer of it left,
    /// `wouldBlock` when the socket took less (it is full). The promises of the buffers sent are added to
    /// `sent`, for the caller to complete once this mutation is over: a promise's callbacks may write to
    /// the same channel again.
    mutating func send(to descriptor: Int32, sent completed: inout [EventLoopPromise<Void>]) -> SendResult {
        let count = min(flushedEnd - head, Self.vectorLimit)
        var sent = 0
        repeat {
            sent = sendOnce(to: descriptor, count: count)
        } while sent < 0 && errno == EINTR
        if sent < 0 {
            let code = errno
            if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
            return .failed(IOError(errnoCode: code, reason: "send"))
        }
        bytes -= sent
        var left = sent
        // Only the buffers of this send: with more than `vectorLimit` flushed, the rest go next time.
        for _ in 0..<count {
            let size = buffers[head].readableBytes
            guard left >= size else {
                buffers[head].moveReaderIndex(forwardBy: left)
                return .wouldBlock
            }
            left -= size
            if let promise = promises[head] { completed.append(promise) }
            // Released now: a sent buffer's storage goes back to its owner at once.
            buffers[head] = ByteBuffer()
            promises[head] = nil
            head += 1
        }
        compact()
        return .sentAll
    }

    private func sendOnce(to descriptor: Int32, count: Int) -> Int {
        if count == 1 {
            return buffers[head].withUnsafeReadableBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        return withUnsafeTemporaryAllocation(of: iovec.self, capacity: count) { vectors in
            // The buffers' storage stays alive in `buffers` for the duration of the call.
            for index in 0..<count {
                buffers[head + index].withUnsafeReadableBytes {
                    vectors[index] = iovec(iov_base: UnsafeMutableRawPointer(mutating: $0.baseAddress), iov_len: $0.count)
                }
            }
            var message = msghdr()
            message.msg_iov = vectors.baseAddress
            message.msg_iovlen = count
            return Glibc.sendmsg(descriptor, &message, Int32(MSG_NOSIGNAL))
        }
    }

    /// Forgets every write not sent and returns their promises, for the caller to fail once this
    /// mutation is over.
    mutating func removeAll() -> [EventLoopPromise<Void>] {
        let waiting = promises[head...].compactMap { $0 }
        buffers.removeAll()
        promises.removeAll()
        head = 0
        flushedEnd = 0
        bytes = 0
        return waiting
    }

    private mutating func compact() {
        guard head == buffers.count else { return }
        buffers.removeAll(keepingCapacity: true)
        promises.removeAll(keepingCapacity: true)
        head = 0
        flushedEnd = 0
    }
}
