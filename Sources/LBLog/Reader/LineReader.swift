#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a byte source into lines: large block reads, `memchr` for the newline, the partial last line
/// of a block carried to the front of the next. A line longer than the buffer grows it. The final line
/// needs no newline.
public final class LineReader {
    /// What `forEachLine` reads. May be replaced between calls to read another source with the same
    /// buffer (a fresh 4 MiB buffer is 1024 pages to fault in and zero).
    public var source: ByteSource
    var buffer: UnsafeMutableRawBufferPointer

    public init(source: ByteSource, bufferSize: Int = 4 << 20) {
        self.source = source
        buffer = .allocate(byteCount: bufferSize, alignment: 64)
    }

    deinit { buffer.deallocate() }

    /// Calls `body` with each line (newline excluded); `body` returns false to stop early.
    /// Lines stay valid until `blockEnd` runs (after each block of lines, before the buffer is reused,
    /// and at the end), so a caller may hold several lines and process them together.
    /// Returns the number of bytes consumed from the source.
    @discardableResult
    public func forEachLine(_ body: (UnsafePointer<UInt8>, Int) throws -> Bool,
                            blockEnd: () throws -> Void = {}) throws -> Int {
        var carry = 0
        var consumed = 0
        while true {
            if carry == buffer.count {
                let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 64)
                bigger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: carry)
                buffer.deallocate()
                buffer = bigger
            }
            let got = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[carry...]))
            consumed += got
            let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            if got == 0 {
                if carry > 0 { _ = try body(UnsafePointer(base), carry) }
                try blockEnd()
                return consumed
            }
            let end = carry + got
            var start = 0
            while start < end {
                guard let nl = memchr(base + start, 0x0A, end - start) else { break }
                let at = UnsafeMutableRawPointer(nl).assumingMemoryBound(to: UInt8.self) - base
                if try !body(UnsafePointer(base + start), at - start) {
                    try blockEnd()
                    return consumed
                }
                start = at + 1
            }
            try blockEnd()
            carry = end - start
            if carry > 0, start > 0 {
                memmove(base, base + start, carry)
            }
        }
    }
}
