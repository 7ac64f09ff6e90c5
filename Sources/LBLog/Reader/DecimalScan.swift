/// Reads unsigned decimal numbers eight bytes at a time. A log line holds a dozen short numbers of
/// varying length (timers, status, bytes, connection counts); a loop over their digits mispredicts
/// where each one ends, while one 8-byte load finds the end with bit operations and converts up to
/// eight digits with three multiplications.
enum DecimalScan {
    /// The value and digit count of the run of ASCII digits at `p[from..<end]` (0 digits if none).
    /// Runs longer than eight digits wrap like `v = v &* 10 &+ d`, as the byte-at-a-time loop does.
    @inline(__always)
    static func digits(_ p: UnsafePointer<UInt8>, from: Int, end: Int) -> (value: Int64, count: Int) {
        if from &+ 8 <= end {
            // Each byte XOR '0' is its digit's value when it is a digit, and a digit's value is under
            // 10: its high nibble is 0 and so is that of value + 6. A carry from a non-digit byte
            // only reaches later bytes, so the first flagged byte is exact.
            let t = UnsafeRawPointer(p + from).loadUnaligned(as: UInt64.self) ^ 0x3030_3030_3030_3030
            let flags = (t | (t &+ 0x0606_0606_0606_0606)) & 0xF0F0_F0F0_F0F0_F0F0
            if flags != 0 {
                let count = flags.trailingZeroBitCount &>> 3
                if count == 0 { return (0, 0) }
                return (Int64(bitPattern: value(t, count: count)), count)
            }
        }
        var v: Int64 = 0
        var i = from
        while i < end {
            let d = p[i] &- 48
            if d > 9 { break }
            v = v &* 10 &+ Int64(d)
            i &+= 1
        }
        return (v, i &- from)
    }

    /// The number written by the first `count` (1...7) digit values in the bytes of `t`, first digit in
    /// the lowest byte: shifted up so it reads as an eight-digit number with leading zeros, then pairs,
    /// quads and halves are combined by multiply-and-shift.
    @inline(__always)
    static func value(_ t: UInt64, count: Int) -> UInt64 {
        var v = t &<< UInt64(truncatingIfNeeded: 64 &- 8 &* count)
        v = ((v & 0x0F0F_0F0F_0F0F_0F0F) &* 2561) &>> 8
        v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) &>> 16
        return ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) &>> 32
    }
}
