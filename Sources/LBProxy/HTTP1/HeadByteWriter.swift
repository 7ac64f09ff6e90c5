import NIOCore

/// Copies the pieces of a message head (start line, fields, separators) into space reserved once in a
/// `ByteBuffer`.
///
/// A head is dozens of small pieces. Each `ByteBuffer.writeString` is a call into SwiftNIO that checks
/// uniqueness and capacity and takes a dynamic exclusivity check: with a browser's dozen fields that was
/// about 3% of lb's time per request. Here the capacity is reserved and checked once, and each piece is
/// a bounds check and a `memcpy`.
struct HeadByteWriter {
    private let start: UnsafeMutableRawPointer
    private let capacity: Int
    /// Bytes written so far.
    private(set) var count = 0

    fileprivate init(_ space: UnsafeMutableRawBufferPointer) {
        start = space.baseAddress!
        capacity = space.count
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        // The caller's bound is computed from the same pieces; overrunning it would write past the
        // buffer, so a wrong bound stops here instead.
        precondition(count + bytes.count <= capacity, "head longer than the space reserved for it")
        (start + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    mutating func append(_ string: StaticString) {
        append(UnsafeRawBufferPointer(start: string.utf8Start, count: string.utf8CodeUnitCount))
    }

    mutating func append(_ string: String) {
        if let copied: Void = string.utf8.withContiguousStorageIfAvailable({ append(UnsafeRawBufferPointer($0)) }) {
            return copied
        }
        var contiguous = string
        contiguous.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }
}

extension ByteBuffer {
    /// Writes a head of at most `maximumLength` bytes, built by `body` with plain copies.
    /// - Precondition: `body` writes no more than `maximumLength` bytes.
    mutating func writeHead(maximumLength: Int, _ body: (inout HeadByteWriter) -> Void) {
        writeWithUnsafeMutableBytes(minimumWritableBytes: maximumLength) { space in
            var writer = HeadByteWriter(space)
            body(&writer)
            return writer.count
        }
    }
}
