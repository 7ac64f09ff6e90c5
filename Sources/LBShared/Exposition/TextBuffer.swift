/// An append-only byte buffer for the renderers: integers are written digit by digit and strings as
/// UTF-8 bytes, so a large exposition costs memory copies, not string interpolation. Its methods are
/// inlinable because the renderers of other modules call them once per field or byte.
public struct TextBuffer: Sendable {
    public var bytes: [UInt8]

    @inlinable public init(capacity: Int = 4096) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inlinable @inline(__always) public mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }
    @inlinable @inline(__always) public mutating func append(_ raw: [UInt8]) { bytes.append(contentsOf: raw) }
    @inlinable @inline(__always) public mutating func append(byte: UInt8) { bytes.append(byte) }

    @inlinable public mutating func append(int value: Int) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            if value == .min { append(String(value).dropFirst().description); return }
            append(int: -value)
            return
        }
        if value < 10 { bytes.append(UInt8(truncatingIfNeeded: 48 + value)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { raw in
            while rest > 0 {
                raw[count] = UInt8(truncatingIfNeeded: 48 + rest % 10)
                rest /= 10
                count += 1
            }
            var index = count - 1
            while index >= 0 {
                bytes.append(raw[index])
                index -= 1
            }
        }
    }

    public var string: String { String(decoding: bytes, as: UTF8.self) }
}
