/// HTTP Basic credentials (RFC 7617) checked in constant time with respect to the password's content.
public enum BasicAuth {
    /// True when `header` (an `Authorization` value) carries one of `credentials`.
    public static func accepts(_ header: String?, credentials: [(user: String, password: String)]) -> Bool {
        guard let header, header.count > 6, header.prefix(6).lowercased() == "basic " else { return false }
        guard let decoded = decodeBase64(header.dropFirst(6).trimmingASCIISpaces()) else { return false }
        var matched = false
        for credential in credentials {
            // Compare every candidate fully so timing does not reveal which one (or how much) matched.
            let expected = Array("\(credential.user):\(credential.password)".utf8)
            matched = constantTimeEquals(decoded, expected) || matched
        }
        return matched
    }

    /// The user and password a Basic `Authorization` value carries, nil when it is not Basic or not
    /// well-formed (the password may contain colons; the user may not).
    public static func credentials(_ header: String?) -> (user: [UInt8], password: [UInt8])? {
        guard let header, header.utf8.count > 6, header.prefix(6).lowercased() == "basic " else { return nil }
        guard let decoded = decodeBase64(header.dropFirst(6).trimmingASCIISpaces()),
              let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        return (Array(decoded[..<colon]), Array(decoded[(colon + 1)...]))
    }

    public static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: lhs.count ^ rhs.count)
        for index in 0..<max(lhs.count, rhs.count) {
            let a = index < lhs.count ? lhs[index] : 0
            let b = index < rhs.count ? rhs[index] : 0
            difference |= a ^ b
        }
        return difference == 0
    }

    /// Strict base64 (RFC 4648 §4), as haproxy's `base64dec` reads credentials: the standard alphabet
    /// only (no `-` `_`, no spaces), a length that is a multiple of 4, no `=` beyond the one or two a
    /// group may end with. Stricter than haproxy in two ways RFC 4648 allows: `=` only at the very end
    /// (haproxy takes `QQ==QUJD`), and the unused low bits of the last character zero (§3.5), so each
    /// value has exactly one spelling. Anything else is nil: credentials that cannot match.
    public static func decodeBase64(_ text: Substring) -> [UInt8]? {
        let count = text.utf8.count
        guard count > 0, count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(count / 4 * 3)
        var accumulator: UInt32 = 0
        var bits = 0
        var padding = 0
        for (index, byte) in text.utf8.enumerated() {
            if byte == UInt8(ascii: "=") {
                guard index >= count - 2 else { return nil }
                padding += 1
                continue
            }
            guard padding == 0, let value = sextet(byte) else { return nil }
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        guard accumulator & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return output
    }

    @inline(__always)
    private static func sextet(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(byte - 65)
        case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(byte - 97 + 26)
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - 48 + 52)
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}

extension Substring {
    public func trimmingASCIISpaces() -> Substring {
        var result = self
        while result.first == " " || result.first == "\t" { result.removeFirst() }
        while result.last == " " || result.last == "\t" { result.removeLast() }
        return result
    }
}
