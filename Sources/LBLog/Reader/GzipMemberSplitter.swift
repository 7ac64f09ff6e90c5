import CZlib

/// Cuts the bytes of a growing gzip file into complete members and inflates each one only once it is
/// whole, so a follower never hands out text from a member the writer has not finished (lb writes one
/// member per flush; a crash, or a failed write that lb cuts off again, can leave a partial last one).
///
/// Bytes are appended as they are read; `drain` inflates every complete member and keeps the rest. A
/// member whose header carries lb's `LB` size field (see `GzipMemberEncoder`) is not even tried before
/// that many bytes are there. Bytes that are not a valid member (a reader that started in the middle of
/// one, damaged data) are skipped up to the next gzip header and counted.
public final class GzipMemberSplitter {
    private var pending: [UInt8] = []
    private let stream: UnsafeMutablePointer<z_stream>
    private let ready: Bool
    private var chunk = [UInt8](repeating: 0, count: 64 << 10)

    public init() {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 16: gzip framing only (a zlib or raw stream is not what a log file holds).
        ready = inflateInit2_(stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
    }

    deinit {
        if ready { inflateEnd(stream) }
        stream.deallocate()
    }

    /// Compressed bytes held back: the start of a member still being written.
    public var pendingCount: Int { pending.count }

    public func append(_ bytes: UnsafeRawBufferPointer) {
        pending.append(contentsOf: bytes)
    }

    /// Forgets held-back bytes past the first `count` (the file was cut back to a member boundary).
    public func truncatePending(to count: Int) {
        if count < pending.count { pending.removeSubrange(max(0, count)...) }
    }

    /// Forgets every held-back byte; returns how many there were.
    @discardableResult
    public func reset() -> Int {
        defer { pending.removeAll(keepingCapacity: true) }
        return pending.count
    }

    /// Inflates every complete member held, in order, appending their text to `output`. Returns the
    /// number of members and of bytes skipped as not being part of a valid member.
    public func drain(into output: inout [UInt8]) -> (members: Int, skipped: Int) {
        guard ready else { return (0, reset()) }
        var start = 0
        var members = 0
        var skipped = 0
        while pending.count - start >= 3 {
            guard pending[start] == 0x1F, pending[start + 1] == 0x8B, pending[start + 2] == 0x08 else {
                let next = nextHeader(after: start)
                skipped += next - start
                start = next
                continue
            }
            // A size beyond any member lb writes (64 MiB of text at most) is damage, not a promise.
            if let size = declaredSize(at: start), size > 0, size <= 1 << 27 {
                if pending.count - start < size { break }
            }
            let mark = output.count
            switch inflateMember(at: start, into: &output) {
            case .complete(let length):
                start += length
                members += 1
            case .incomplete:
                output.removeSubrange(mark...)
                pending.removeSubrange(..<start)
                return (members, skipped)
            case .damaged:
                output.removeSubrange(mark...)
                let next = nextHeader(after: start)
                skipped += next - start
                start = next
            }
        }
        pending.removeSubrange(..<start)
        return (members, skipped)
    }

    enum MemberResult {
        case complete(Int)
        case incomplete
        case damaged
    }

    /// Inflates the member starting at `start` with everything held after it.
    private func inflateMember(at start: Int, into output: inout [UInt8]) -> MemberResult {
        inflateReset(stream)
        return pending.withUnsafeMutableBufferPointer { input -> MemberResult in
            stream.pointee.next_in = input.baseAddress! + start
            stream.pointee.avail_in = uInt(input.count - start)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { buffer -> (Int32, Int) in
                    stream.pointee.next_out = buffer.baseAddress
                    stream.pointee.avail_out = uInt(buffer.count)
                    let status = inflate(stream, Z_NO_FLUSH)
                    return (status, buffer.count - Int(stream.pointee.avail_out))
                }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END:
                    return .complete(input.count - start - Int(stream.pointee.avail_in))
                case Z_OK, Z_BUF_ERROR:
                    if stream.pointee.avail_in == 0 && produced < chunk.count { return .incomplete }
                    if produced == 0 && status == Z_BUF_ERROR { return .incomplete }
                default:
                    return .damaged
                }
            }
        }
    }

    /// The offset of the next `1f 8b 08` after `start`, or where a header could still begin at the end.
    private func nextHeader(after start: Int) -> Int {
        var i = start + 1
        while i + 2 < pending.count {
            if pending[i] == 0x1F, pending[i + 1] == 0x8B, pending[i + 2] == 0x08 { return i }
            i += 1
        }
        return max(start + 1, pending.count - 2)
    }

    /// The member size lb's `LB` extra subfield declares, when the header at `start` carries one.
    private func declaredSize(at start: Int) -> Int? {
        let flags = pending.count - start > 3 ? pending[start + 3] : 0
        guard flags & 0x04 != 0, pending.count - start >= 12 else { return nil }
        let extraLength = Int(pending[start + 10]) | Int(pending[start + 11]) << 8
        var i = start + 12
        let end = i + extraLength
        guard pending.count >= end else { return nil }
        while i + 4 <= end {
            let length = Int(pending[i + 2]) | Int(pending[i + 3]) << 8
            if pending[i] == UInt8(ascii: "L"), pending[i + 1] == UInt8(ascii: "B"), length == 4, i + 8 <= end {
                var size = 0
                for k in 0..<4 { size |= Int(pending[i + 4 + k]) << (8 * k) }
                return size
            }
            i += 4 + length
        }
        return nil
    }
}
