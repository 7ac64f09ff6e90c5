import CZlib

/// Decompresses gzip from another source: any number of members one after another (lb's rotating file
/// is a series of complete members, one per flush), and bytes after a member are read as a new member.
/// A file cut inside its last member (a writer that crashed) yields everything before the cut and sets
/// `wasTruncated` rather than failing.
public final class GzipSource: ByteSource {
    let upstream: ByteSource
    let path: String
    let stream: UnsafeMutablePointer<z_stream>
    let input: UnsafeMutableRawBufferPointer
    var upstreamEnded = false
    var finished = false
    var memberOpen = false
    public private(set) var wasTruncated = false
    public private(set) var members = 0

    public init(upstream: ByteSource, path: String, inputSize: Int = 1 << 20) throws {
        self.upstream = upstream
        self.path = path
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(byteCount: inputSize, alignment: 16)
        // 15 + 32: maximum window, gzip or zlib header detected automatically.
        let status = inflateInit2_(stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            input.deallocate()
            stream.deallocate()
            throw ReaderError.corruptGzip(path: path, reason: "inflateInit2 failed (\(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if finished || buffer.count == 0 { return 0 }
        stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
        while stream.pointee.avail_out > 0 {
            if stream.pointee.avail_in == 0 {
                if upstreamEnded { break }
                let got = try upstream.read(into: input)
                if got == 0 {
                    upstreamEnded = true
                    break
                }
                stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_in = UInt32(got)
            }
            memberOpen = true
            let status = inflate(stream, Z_NO_FLUSH)
            if status == Z_STREAM_END {
                members += 1
                memberOpen = false
                // Another member may follow (now or in the next read).
                inflateReset(stream)
                continue
            }
            if status == Z_BUF_ERROR { continue }  // needs more input
            if status != Z_OK {
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "inflate error \(status)"
                // Trailing garbage after complete members (zero padding from a preallocated file): stop.
                if members > 0, !memberOpen || stream.pointee.total_in <= 2 {
                    finished = true
                    break
                }
                throw ReaderError.corruptGzip(path: path, reason: message)
            }
        }
        let produced = buffer.count - Int(stream.pointee.avail_out)
        if produced == 0 {
            if upstreamEnded && stream.pointee.avail_in == 0 {
                if memberOpen && stream.pointee.total_in > 0 { wasTruncated = true }
                finished = true
            }
        }
        return produced
    }

    /// gzip magic bytes.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }
}
