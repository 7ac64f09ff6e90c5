import CZlib
import Foundation

/// Test-side gzip reading: splits a file into members with the `LB` size subfield and inflates each one
/// on its own with zlib (as `zcat` would, member by member).
enum GzipMembers {
    struct Member {
        var bytes: ArraySlice<UInt8>
        var declaredSize: Int
    }

    /// The members of `data` found through their `LB` subfield; stops at a truncated tail.
    static func split(_ data: [UInt8]) -> (members: [Member], trailingBytes: Int) {
        var members: [Member] = []
        var offset = 0
        while offset + 20 <= data.count {
            guard data[offset] == 0x1F, data[offset + 1] == 0x8B, data[offset + 3] & 0x04 != 0,
                  data[offset + 12] == 0x4C, data[offset + 13] == 0x42 else { break }
            let size = (0..<4).reduce(0) { $0 | Int(data[offset + 16 + $1]) << (8 * $1) }
            guard size >= 28, offset + size <= data.count else { break }
            members.append(Member(bytes: data[offset..<(offset + size)], declaredSize: size))
            offset += size
        }
        return (members, data.count - offset)
    }

    /// Inflates one complete gzip member; nil if it is not one.
    static func inflateMember(_ member: ArraySlice<UInt8>) -> [UInt8]? {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let input = Array(member)
        return input.withUnsafeBufferPointer { source -> [UInt8]? in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = uInt(source.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { destination -> Int32 in
                    stream.next_out = destination.baseAddress
                    stream.avail_out = uInt(destination.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                output.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
                if status == Z_STREAM_END { return stream.avail_in == 0 ? output : nil }
                if status != Z_OK { return nil }
            }
        }
    }

    /// Every line of every complete member of the file at `path`.
    static func lines(ofFile path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var lines: [String] = []
        for member in split(Array(data)).members {
            guard let text = inflateMember(member.bytes) else { continue }
            lines += String(decoding: text, as: UTF8.self).split(separator: "\n").map(String.init)
        }
        return lines
    }
}
