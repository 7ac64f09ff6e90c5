/// Checks, eight bytes at a time, that a field is `count` unsigned decimal numbers joined by `/` and
/// followed by a space (`148/56/10/7/0 `, `0/0 `): the common shape of httplog's connection counts and
/// queues. A field that fails (signs, longer than 15 bytes, near the end of the line, malformed) is
/// left to the byte-at-a-time parser, which has the last word.
enum SlashNumbersCheck {
    /// 0x80 in each byte of `w` that is an ASCII digit; exact for every byte (no carry crosses bytes).
    @inline(__always)
    static func digitBytes(_ w: UInt64) -> UInt64 {
        let t = w ^ 0x3030_3030_3030_3030
        return ~(((t & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7676_7676_7676_7676) | t) & 0x8080_8080_8080_8080
    }

    /// 0x80 in each byte of `w` equal to `byte`; exact for every byte.
    @inline(__always)
    static func equalBytes(_ w: UInt64, _ byte: UInt8) -> UInt64 {
        let x = w ^ (UInt64(byte) &* 0x0101_0101_0101_0101)
        return ~(((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x) & 0x8080_8080_8080_8080
    }

    /// The length of the field at `p[from...]` when it has that shape, nil otherwise (or when fewer
    /// than 16 bytes are left to read).
    @inline(__always)
    static func length(_ p: UnsafePointer<UInt8>, from: Int, end: Int, slashes: Int) -> Int? {
        guard from &+ 16 <= end else { return nil }
        let raw = UnsafeRawPointer(p + from)
        let w0 = raw.loadUnaligned(as: UInt64.self), w1 = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        let d0 = digitBytes(w0), d1 = digitBytes(w1)
        let s0 = equalBytes(w0, UInt8(ascii: "/")), s1 = equalBytes(w1, UInt8(ascii: "/"))
        // The field ends at the first byte that is neither a digit nor a slash.
        let other0 = ~(d0 | s0) & 0x8080_8080_8080_8080, other1 = ~(d1 | s1) & 0x8080_8080_8080_8080
        let length: Int
        var slashBits: UInt64, slashCount: Int
        if other0 != 0 {
            length = other0.trailingZeroBitCount &>> 3
            let below = (UInt64(1) << UInt64(length &* 8)) &- 1
            slashBits = s0 & below
            slashCount = slashBits.nonzeroBitCount
        } else {
            guard other1 != 0 else { return nil }
            length = 8 &+ other1.trailingZeroBitCount &>> 3
            let below = (UInt64(1) << UInt64((length &- 8) &* 8)) &- 1
            slashCount = s0.nonzeroBitCount &+ (s1 & below).nonzeroBitCount
            // A slash in the last byte of the first word followed by one in the first of the second.
            if s0 >> 63 != 0 && s1 & 0x80 != 0 { return nil }
            slashBits = s0
            if s1 & below & (s1 & below) >> 8 != 0 { return nil }
        }
        guard length > 0, slashCount == slashes, slashBits & (slashBits >> 8) == 0,
              d0 & 0x80 != 0, p[from &+ length &- 1] != UInt8(ascii: "/"),
              p[from &+ length] == UInt8(ascii: " ") else { return nil }
        return length
    }
}
