/// An IPv4 or IPv6 address, parsed without any system call so that configuration and ACL code stay pure.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    case v4(UInt32)
    case v6(UInt128)

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (with `::` compression and an embedded IPv4 tail).
    public init?(_ text: some StringProtocol) {
        if text.contains(":") {
            guard let value = IPAddress.parseV6(Substring(text)) else { return nil }
            self = .v6(value)
        } else {
            guard let value = IPAddress.parseV4(Substring(text)) else { return nil }
            self = .v4(value)
        }
    }

    public var isV4: Bool { if case .v4 = self { return true } else { return false } }

    /// An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) seen as the IPv4 address it carries.
    public var unmapped: IPAddress {
        if case .v6(let value) = self, value >> 32 == 0xffff {
            return .v4(UInt32(truncatingIfNeeded: value))
        }
        return self
    }

    public var description: String {
        switch self {
        case .v4(let value):
            return "\(value >> 24).\((value >> 16) & 0xff).\((value >> 8) & 0xff).\(value & 0xff)"
        case .v6(let value):
            var groups: [UInt16] = []
            for index in (0..<8).reversed() { groups.append(UInt16(truncatingIfNeeded: value >> (UInt128(index) * 16))) }
            // Find the longest run of zero groups (length >= 2) to compress.
            var bestStart = -1, bestLength = 0, runStart = -1
            for index in 0...8 {
                if index < 8 && groups[index] == 0 {
                    if runStart < 0 { runStart = index }
                } else if runStart >= 0 {
                    if index - runStart > bestLength { bestStart = runStart; bestLength = index - runStart }
                    runStart = -1
                }
            }
            func hex(_ range: Range<Int>) -> String { groups[range].map { String($0, radix: 16) }.joined(separator: ":") }
            if bestLength < 2 { return hex(0..<8) }
            return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
        }
    }

    static func parseV4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCIIDigit), let octet = UInt32(part), octet <= 255 else { return nil }
            value = value << 8 | octet
        }
        return value
    }

    static func parseV6(_ text: Substring) -> UInt128? {
        var text = text
        if let percent = text.firstIndex(of: "%") { text = text[..<percent] }  // zone id
        var halves: [String] = []
        if let range = text.firstRange(of: "::") {
            halves = [String(text[..<range.lowerBound]), String(text[range.upperBound...])]
            guard halves[1].firstRange(of: "::") == nil else { return nil }
        } else {
            halves = [String(text)]
        }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = parseV4(piece) else { return nil }
                    result.append(UInt16(v4 >> 16)); result.append(UInt16(v4 & 0xffff))
                } else {
                    guard !piece.isEmpty, piece.count <= 4, let group = UInt16(piece, radix: 16) else { return nil }
                    result.append(group)
                }
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        var all: [UInt16]
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count <= 7 else { return nil }
            all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard head.count == 8 else { return nil }
            all = head
        }
        return all.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
    }
}

/// An address with a prefix length, such as `127.0.0.0/8` or `::1/128`; a bare address is a host network.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    public var address: IPAddress
    public var prefixLength: Int

    public init(address: IPAddress, prefixLength: Int) {
        self.address = address
        self.prefixLength = prefixLength
    }

    /// Accepts `addr`, `addr/len` and the dotted-mask form `addr/255.255.255.0`.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let address = IPAddress(first) else { return nil }
        let maxLength = address.isV4 ? 32 : 128
        var length = maxLength
        if parts.count == 2 {
            if let value = Int(parts[1]), value >= 0, value <= maxLength {
                length = value
            } else if address.isV4, let mask = IPAddress.parseV4(Substring(parts[1])) {
                let ones = mask.nonzeroBitCount
                guard mask == (ones == 0 ? 0 : UInt32.max << (32 - ones)) else { return nil }
                length = ones
            } else {
                return nil
            }
        }
        self.address = address
        self.prefixLength = length
    }

    public func contains(_ candidate: IPAddress) -> Bool {
        switch (address, candidate.unmapped) {
        case (.v4(let net), .v4(let value)):
            if prefixLength == 0 { return true }
            let mask = UInt32.max << (32 - prefixLength)
            return net & mask == value & mask
        case (.v6(let net), .v6(let value)):
            return Self.matches(net, value, prefixLength)
        case (.v6(let net), .v4(let value)):
            // An IPv6 network can hold IPv4-mapped addresses (::ffff:a.b.c.d).
            return Self.matches(net, UInt128(0xffff) << 32 | UInt128(value), prefixLength)
        case (.v4, .v6):
            return false
        }
    }

    private static func matches(_ net: UInt128, _ value: UInt128, _ prefixLength: Int) -> Bool {
        if prefixLength == 0 { return true }
        let mask = UInt128.max << (128 - prefixLength)
        return net & mask == value & mask
    }

    public var description: String { "\(address)/\(prefixLength)" }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
