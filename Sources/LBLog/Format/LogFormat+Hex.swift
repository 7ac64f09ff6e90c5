#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `X` flag as HAProxy defines it for the items unique ids are built from (`%{+X}o %ci:%cp_%fi:%fp_%Ts_%rt:%pid`):
/// addresses become their bytes in hex (8 digits for IPv4, 32 for IPv6), ports and `%Ts %rt %lc %pid`
/// take at least 4 digits, `%ms` at least 2; all upper case. Other numbers keep plain upper-case hex.
extension LogFormat {
    /// Writes `value` of `alias` under `X` when HAProxy gives that item a fixed hex form; false otherwise
    /// (the caller then writes it as usual).
    static func writeFixedHex(_ alias: LogFormatAlias, _ value: LogValue, into output: inout [UInt8]) -> Bool {
        let minimumDigits: Int
        switch alias {
        case .clientIP, .frontendIP, .serverIP, .backendSourceIP:
            guard case .text(let text, _) = value else { return false }
            return output.appendHexAddress(text)
        case .clientPort, .frontendPort, .serverPort, .backendSourcePort,
             .acceptUnixSeconds, .requestCounter, .logCounter, .pid:
            minimumDigits = 4
        case .acceptMilliseconds:
            minimumDigits = 2
        default:
            return false
        }
        guard case .number(let number, _, _) = value, number >= 0 else { return false }
        output.appendHex(UInt64(number), minimumDigits: minimumDigits)
        return true
    }
}

extension Array where Element == UInt8 {
    /// Upper-case hex of `value`, left-padded with zeros to `minimumDigits`.
    mutating func appendHex(_ value: UInt64, minimumDigits: Int) {
        var digits = 1
        while digits < 16 && value >> UInt64(4 * digits) != 0 { digits += 1 }
        for _ in digits..<Swift.max(digits, minimumDigits) { append(0x30) }
        var shift = 4 * (digits - 1)
        while shift >= 0 {
            append(hexDigit(UInt8((value >> UInt64(shift)) & 0xF)))
            shift -= 4
        }
    }

    /// The address in `text` as its network-order bytes in hex; false (nothing written) when `text` is
    /// not an IPv4 or IPv6 address.
    mutating func appendHexAddress(_ text: Substring) -> Bool {
        if text.utf8.contains(UInt8(ascii: ":")) {
            var address = in6_addr()
            let parsed = String(text).withCString { inet_pton(AF_INET6, $0, &address) }
            guard parsed == 1 else { return false }
            Swift.withUnsafeBytes(of: &address) { bytes in
                for byte in bytes {
                    append(hexDigit(byte >> 4))
                    append(hexDigit(byte & 0xF))
                }
            }
            return true
        }
        var octets: [UInt8] = []
        octets.reserveCapacity(4)
        for part in text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
            let number = part.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            guard number <= 255 else { return false }
            octets.append(UInt8(number))
        }
        guard octets.count == 4 else { return false }
        for octet in octets {
            append(hexDigit(octet >> 4))
            append(hexDigit(octet & 0xF))
        }
        return true
    }
}
