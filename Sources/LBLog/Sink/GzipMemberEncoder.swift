import CZlib

/// Compresses one flush worth of lines into one complete gzip member (RFC 1952). Concatenated members
/// are a valid gzip file (`zcat` reads them all), a crash can only truncate the member being written,
/// and each header carries an extra subfield `LB` holding the member's total size in bytes (32-bit
/// little-endian), like BGZF's `BC`, so a reader can split the file at member boundaries and inflate
/// members in parallel without decompressing to find them.
///
/// Member layout: `1f 8b 08 04 MTIME(4) 00 03 XLEN=8(2) 'L' 'B' SLEN=4(2) SIZE(4) DEFLATE CRC32(4) ISIZE(4)`.
final class GzipMemberEncoder {
    static let headerSize = 20
    static let trailerSize = 8
    private var stream = z_stream()
    private let ready: Bool

    /// `level` is zlib's 1 (fastest) ... 9 (smallest).
    init(level: Int32) {
        let status = deflateInit2_(&stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                                   Int32(MemoryLayout<z_stream>.size))
        ready = status == Z_OK
    }

    deinit {
        if ready { deflateEnd(&stream) }
    }

    /// The member for `input`, appended to `output`. False if zlib failed (never expected).
    func encode(_ input: [UInt8], modificationTime: UInt32, into output: inout [UInt8]) -> Bool {
        guard ready else { return false }
        let start = output.count
        output.append(contentsOf: [0x1F, 0x8B, 0x08, 0x04])
        appendLittleEndian(modificationTime, &output)
        output.append(contentsOf: [0x00, 0x03, 0x08, 0x00, 0x4C, 0x42, 0x04, 0x00, 0, 0, 0, 0])
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        let deflateStart = output.count
        output.append(contentsOf: repeatElement(0, count: bound))
        let produced: Int? = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = uInt(source.count)
                stream.next_out = destination.baseAddress! + deflateStart
                stream.avail_out = uInt(bound)
                let status = deflate(&stream, Z_FINISH)
                defer { deflateReset(&stream) }
                return status == Z_STREAM_END ? bound - Int(stream.avail_out) : nil
            }
        }
        guard let produced else {
            output.removeSubrange(start...)
            return false
        }
        output.removeSubrange((deflateStart + produced)...)
        let checksum = input.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        appendLittleEndian(UInt32(truncatingIfNeeded: checksum), &output)
        appendLittleEndian(UInt32(truncatingIfNeeded: input.count), &output)
        let size = UInt32(truncatingIfNeeded: output.count - start)
        for index in 0..<4 { output[start + 16 + index] = UInt8(truncatingIfNeeded: size >> (8 * UInt32(index))) }
        return true
    }

    private func appendLittleEndian(_ value: UInt32, _ output: inout [UInt8]) {
        for index in 0..<4 { output.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(index)))) }
    }
}
