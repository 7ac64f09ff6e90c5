/// Character classes from RFC 9110 used by the parsers. Each is a few instructions on the byte itself:
/// a table in a global would cost a lazy-initialisation check and a bounds check on every byte scanned.
enum ByteClasses {
    /// `tchar`: the bytes allowed in a token (method, header name). The set is 128 bits, bytes 0-63 in
    /// the low word and 64-127 in the high one: letters, digits and ``!#$%&'*+-.^_`|~``
    /// (`ByteClassesTests` checks it against that list).
    @inline(__always) static func isToken(_ byte: UInt8) -> Bool {
        let word: UInt64 = byte < 64 ? 0x03ff_6cfa_0000_0000 : 0x57ff_ffff_c7ff_fffe
        return byte < 128 && (word >> UInt64(byte & 63)) & 1 == 1
    }

    /// Bytes allowed in a header value: visible characters, SP, HTAB and obs-text (0x80-0xFF).
    @inline(__always) static func isFieldValue(_ byte: UInt8) -> Bool {
        (byte >= 0x20 && byte != 0x7f) || byte == 0x09
    }

    /// True when none of the eight bytes of `word` is a control (below 0x20, tab included) or DEL: all
    /// are allowed in a header value. False says only that one of them needs a closer look.
    @inline(__always) static func areFieldValueWithoutTab(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        // A byte below 0x20 borrows into its high bit when 0x20 is taken from it, which it did not
        // have before; a byte equal to 0x7F is zero after the XOR and does the same with 0x01.
        let below = (word &- ones &* 0x20) & ~word & highs
        let deleted = word ^ (ones &* 0x7f)
        return below | ((deleted &- ones) & ~deleted & highs) == 0
    }

    /// Bytes allowed in a request target: visible ASCII only, no SP, controls or bytes of 0x80 and above
    /// (RFC 3986 has none; a server that decodes them as UTF-8, Latin-1 or not at all sees a different
    /// path than the rules that routed it, and haproxy refuses them too).
    @inline(__always) static func isTarget(_ byte: UInt8) -> Bool {
        byte &- 0x21 < 0x5e
    }
}

extension UInt8 {
    @inline(__always) var lowercasedASCII: UInt8 { self >= 65 && self <= 90 ? self | 0x20 : self }
}
