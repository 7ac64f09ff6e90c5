/// Finds bytes in a line eight at a time (SWAR: a word XORed with the byte repeated has a zero byte
/// where they match, and `(x - 0x01…) & ~x & 0x80…` flags the first zero byte exactly). Log fields are
/// 10–40 bytes, too short for a `memchr` call to pay off and too long to walk one byte at a time.
/// Never reads outside `p[from..<end]`.
@usableFromInline
enum ByteScan {
    @inlinable @inline(__always)
    static func repeated(_ byte: UInt8) -> UInt64 { UInt64(byte) &* 0x0101_0101_0101_0101 }

    /// Bit 7 of each byte of `x` that is zero, exact for the lowest one.
    @inlinable @inline(__always)
    static func zeroBytes(_ x: UInt64) -> UInt64 {
        (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }

    /// The index of the first `byte` in `p[from..<end]`, or `end`.
    @inlinable @inline(__always)
    static func find(_ byte: UInt8, _ p: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
        var i = from
        let pattern = repeated(byte)
        while i &+ 8 <= end {
            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            let hits = zeroBytes(w ^ pattern)
            if hits != 0 { return i &+ (hits.trailingZeroBitCount >> 3) }
            i &+= 8
        }
        if i < end, end &- from >= 8 {
            // The last 1...7 bytes with one load of the last eight: the bytes it reads again were no match.
            let w = UnsafeRawPointer(p + (end &- 8)).loadUnaligned(as: UInt64.self)
            let hits = zeroBytes(w ^ pattern)
            return hits != 0 ? end &- 8 &+ (hits.trailingZeroBitCount >> 3) : end
        }
        while i < end, p[i] != byte { i &+= 1 }
        return i
    }

    /// The index of the first `a` or `b` in `p[from..<end]`, or `end`.
    @inlinable @inline(__always)
    static func find(_ a: UInt8, or b: UInt8, _ p: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
        var i = from
        let pa = repeated(a), pb = repeated(b)
        while i &+ 8 <= end {
            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            let hits = zeroBytes(w ^ pa) | zeroBytes(w ^ pb)
            if hits != 0 {
                // Each flag is exact for its own lowest match, so the lowest of the two is too.
                return i &+ (hits.trailingZeroBitCount >> 3)
            }
            i &+= 8
        }
        if i < end, end &- from >= 8 {
            let w = UnsafeRawPointer(p + (end &- 8)).loadUnaligned(as: UInt64.self)
            let hits = zeroBytes(w ^ pa) | zeroBytes(w ^ pb)
            return hits != 0 ? end &- 8 &+ (hits.trailingZeroBitCount >> 3) : end
        }
        while i < end, p[i] != a, p[i] != b { i &+= 1 }
        return i
    }
}
