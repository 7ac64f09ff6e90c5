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

    public static func decodeBase64(_ text: Substring) -> [UInt8]? {
        var output: [UInt8] = []
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in text.utf8 {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - 65)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - 97 + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - 48 + 52)
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="): continue
            default: return nil
            }
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return output
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
