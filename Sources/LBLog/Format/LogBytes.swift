/// Allocation-free appends into a reused byte buffer: the per-record formatting path writes with these
/// only (no `String` interpolation, no Foundation).
extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendASCII(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func appendText(_ text: String) {
        append(contentsOf: text.utf8)
    }

    /// Decimal digits of `value` (with a leading `-` when negative).
    mutating func appendDecimal(_ value: Int64) {
        if value < 0 {
            append(0x2D)
            // magnitude avoids overflow on Int64.min
            appendUnsigned(value.magnitude)
        } else {
            appendUnsigned(UInt64(value))
        }
    }

    @inline(__always)
    mutating func appendDecimal(_ value: Int) { appendDecimal(Int64(value)) }

    mutating func appendUnsigned(_ value: UInt64) {
        if value < 10 { append(0x30 &+ UInt8(value)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        Swift.withUnsafeMutableBytes(of: &digits) { raw in
            while rest > 0 {
                raw[19 - count] = 0x30 &+ UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            append(contentsOf: raw[(20 - count)...])
        }
    }

    /// `value` left-padded with zeros to `width` digits (dates, milliseconds). `value` must be >= 0.
    mutating func appendPadded(_ value: Int, width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        if rest >= divisor * 10 { appendDecimal(rest); return }
        while divisor > 0 {
            append(0x30 &+ UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// `value` as upper-case hexadecimal (the `X` log-format flag).
    mutating func appendHex(_ value: UInt64) {
        let digits: StaticString = "0123456789ABCDEF"
        var shift = 60
        while shift > 0 && (value >> UInt64(shift)) & 0xF == 0 { shift -= 4 }
        digits.withUTF8Buffer { table in
            while shift >= 0 {
                append(table[Int((value >> UInt64(shift)) & 0xF)])
                shift -= 4
            }
        }
    }
}

/// Upper-case hex digit for a nibble.
@inline(__always)
func hexDigit(_ nibble: UInt8) -> UInt8 {
    nibble < 10 ? 0x30 &+ nibble : 0x41 &+ nibble &- 10
}
