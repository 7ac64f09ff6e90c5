/// The peers protocol's variable-length integer: values below 240 take one byte; larger ones set the low
/// four bits of a first byte marked by its top four bits (0xF0), then carry on seven bits at a time,
/// the top bit of each following byte saying another one comes. Each step subtracts the smallest value
/// of its length, so every value has exactly one encoding.
public enum PeerVarint {
    public static func encode(_ value: UInt64, into bytes: inout [UInt8]) {
        guard value >= 0xF0 else {
            bytes.append(UInt8(value))
            return
        }
        bytes.append(UInt8(truncatingIfNeeded: value) | 0xF0)
        var rest = (value - 0xF0) >> 4
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest = (rest - 0x80) >> 7
        }
        bytes.append(UInt8(rest))
    }

    public static func encoded(_ value: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        encode(value, into: &bytes)
        return bytes
    }
}

/// Reads the fields of a peers message; every read returns nil once the bytes run out.
public struct PeerReader {
    public let bytes: [UInt8]
    public private(set) var position: Int
    public let end: Int

    public init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.position = start
        self.end = end ?? bytes.count
    }

    public var remaining: Int { end - position }
    public var isAtEnd: Bool { position >= end }

    public mutating func varint() -> UInt64? {
        guard position < end else { return nil }
        var value = UInt64(bytes[position])
        position += 1
        guard value >= 0xF0 else { return value }
        var shift: UInt64 = 4
        while true {
            guard position < end, shift < 64 else { return nil }
            let byte = bytes[position]
            position += 1
            value &+= UInt64(byte) << shift
            shift += 7
            if byte < 0x80 { return value }
        }
    }

    public mutating func uint32() -> UInt32? {
        guard remaining >= 4 else { return nil }
        let value = bytes[position..<position + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        position += 4
        return value
    }

    public mutating func take(_ count: Int) -> [UInt8]? {
        guard count >= 0, remaining >= count else { return nil }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }
}

extension Array where Element == UInt8 {
    /// Appends `value` in network byte order.
    mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8),
                            UInt8(truncatingIfNeeded: value)])
    }
}
