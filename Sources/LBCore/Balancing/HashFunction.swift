/// The hash functions `hash-type` can name, with HAProxy's definitions, so that a key hashes to the same
/// 32-bit value as in HAProxy. None of them mixes its last bytes well on its own (sdbm and djb2 move by
/// the last character's value); `hash-type ... avalanche` adds `Avalanche.mix` afterwards.
public enum HashFunction: String, Sendable, CaseIterable {
    /// `h = c + (h << 6) + (h << 16) - h`, that is `h * 65599 + c`, from 0. HAProxy's default.
    case sdbm
    /// Bernstein's `h = h * 33 + c`, from 5381.
    case djb2
    /// Willy Tarreau's hash built for HAProxy: two 32-bit lanes rotated by amounts the data itself chooses.
    case wt6
    /// The IEEE 802.3 CRC-32 (zlib's `crc32`: reflected polynomial 0xEDB88320, initial and final inversion).
    case crc32
    /// No hashing: the key is read as a signed decimal integer and its low 32 bits are the hash (HAProxy's
    /// `read_int64`). Meant for keys that already are a hash.
    case none

    public func hash(_ key: some Sequence<UInt8>) -> UInt32 {
        switch self {
        case .sdbm: return Self.sdbm(key)
        case .djb2: return Self.djb2(key)
        case .wt6: return Self.wt6(key)
        case .crc32: return Self.crc32(key)
        case .none: return UInt32(truncatingIfNeeded: Self.decimal(key))
        }
    }

    static func sdbm(_ key: some Sequence<UInt8>) -> UInt32 {
        var hash: UInt32 = 0
        for byte in key { hash = UInt32(byte) &+ (hash << 6) &+ (hash << 16) &- hash }
        return hash
    }

    static func djb2(_ key: some Sequence<UInt8>) -> UInt32 {
        var hash: UInt32 = 5381
        for byte in key { hash = (hash << 5) &+ hash &+ UInt32(byte) }
        return hash
    }

    static func wt6(_ key: some Sequence<UInt8>) -> UInt32 {
        var h0: UInt32 = 0xa53c_965a
        var h1: UInt32 = 0x5ca6_953a
        var step0: UInt32 = 6
        var step1: UInt32 = 18
        for byte in key {
            let value = UInt32(byte)
            h0 = ~(h0 ^ value)
            h1 = ~(h1 &+ value)
            let rotated = rotateLeft(h1, by: step0)
            h1 = rotateLeft(h0, by: step1)
            h0 = rotated
            let mixed = ((h0 >> 16) ^ h1) & 0xffff
            step0 = mixed & 0x1f
            step1 = mixed >> 11
        }
        return h0 ^ h1
    }

    /// A 32-bit rotation that, like the C expression `(x << n) | (x >> (32 - n))` on x86, leaves `x`
    /// unchanged for `n == 0` (wt6 can draw a step of 0).
    @inline(__always)
    private static func rotateLeft(_ value: UInt32, by amount: UInt32) -> UInt32 {
        let shift = amount & 31
        return shift == 0 ? value : (value << shift) | (value >> (32 - shift))
    }

    static func crc32(_ key: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in key { crc = (crc >> 8) ^ crcTable[Int((crc ^ UInt32(byte)) & 0xff)] }
        return ~crc
    }

    /// The byte-at-a-time table of the reflected polynomial 0xEDB88320.
    private static let crcTable: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = (value & 1) == 1 ? (value >> 1) ^ 0xedb8_8320 : value >> 1 }
        return value
    }

    /// An optional sign then the decimal digits up to the first other byte, saturated to the Int64 range
    /// (HAProxy's `read_int64`); 0 when the key does not start with a number.
    static func decimal(_ key: some Sequence<UInt8>) -> Int64 {
        var iterator = key.makeIterator()
        var byte = iterator.next()
        var negative = false
        if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") {
            negative = byte == UInt8(ascii: "-")
            byte = iterator.next()
        }
        var magnitude: UInt64 = 0
        var saturated = false
        while let digit = byte, digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") {
            if !saturated {
                let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
                if overflow1 || overflow2 { magnitude = .max; saturated = true } else { magnitude = sum }
            }
            byte = iterator.next()
        }
        if negative {
            return magnitude > UInt64(Int64.max) ? .min : -Int64(magnitude)
        }
        return magnitude > UInt64(Int64.max) ? .max : Int64(magnitude)
    }
}
