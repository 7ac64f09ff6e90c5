import Foundation

/// Runs another source on its own thread, a few chunks ahead of the reader, so that decompression
/// (or a slow pipe) overlaps with parsing: with gzip input, one core inflates while the other parses.
/// The ring of chunks bounds memory to `chunkCount * chunkSize`.
public final class PrefetchSource: ByteSource, @unchecked Sendable {
    private let upstream: ByteSource
    private let condition = NSCondition()
    private let chunks: [UnsafeMutableRawBufferPointer]
    private var lengths: [Int]
    /// Chunks filled and not yet consumed, in order starting at `readIndex`.
    private var filled = 0
    private var readIndex = 0
    private var readOffset = 0
    private var ended = false
    private var failure: Error?
    private var cancelled = false
    private var started = false

    public init(upstream: ByteSource, chunkSize: Int = 1 << 20, chunkCount: Int = 4) {
        self.upstream = upstream
        chunks = (0..<chunkCount).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 64) }
        lengths = Array(repeating: 0, count: chunkCount)
    }

    deinit {
        for chunk in chunks { chunk.deallocate() }
    }

    private func start() {
        started = true
        let thread = Thread { [self] in produce() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    private func produce() {
        var writeIndex = 0
        while true {
            condition.lock()
            while filled == chunks.count && !cancelled { condition.wait() }
            if cancelled { condition.unlock(); return }
            condition.unlock()
            let chunk = chunks[writeIndex]
            var got = 0
            var readError: Error?
            do {
                // Fill the chunk as far as the source allows, so the consumer sees large blocks.
                while got < chunk.count {
                    let n = try upstream.read(into: UnsafeMutableRawBufferPointer(rebasing: chunk[got...]))
                    if n == 0 { break }
                    got += n
                }
            } catch { readError = error }
            condition.lock()
            if let readError { failure = readError }
            if got > 0 {
                lengths[writeIndex] = got
                filled += 1
                writeIndex = (writeIndex + 1) % chunks.count
            }
            if got < chunk.count || readError != nil { ended = true }
            condition.broadcast()
            let stop = ended
            condition.unlock()
            if stop { return }
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        condition.lock()
        defer { condition.unlock() }
        if !started { start() }
        while filled == 0 && !ended { condition.wait() }
        if filled == 0 {
            if let failure { throw failure }
            return 0
        }
        let chunk = chunks[readIndex]
        let available = lengths[readIndex] - readOffset
        let count = min(available, buffer.count)
        buffer.baseAddress!.copyMemory(from: chunk.baseAddress! + readOffset, byteCount: count)
        readOffset += count
        if readOffset == lengths[readIndex] {
            readOffset = 0
            readIndex = (readIndex + 1) % chunks.count
            filled -= 1
            condition.broadcast()
        }
        return count
    }

    /// Stops the producer (when the reader gives up early).
    public func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
