import LBConfig

/// Reads the PROXY protocol header (versions 1 and 2, as HAProxy's `send-proxy` and `send-proxy-v2` write
/// them) at the start of a connection accepted with `accept-proxy`.
///
/// - Version 1 is one text line, at most 107 bytes: `PROXY TCP4|TCP6 SRC DST SPORT DPORT\r\n`, or
///   `PROXY UNKNOWN ...\r\n`.
/// - Version 2 is binary: a 12-byte signature, a version and command byte, a family and protocol byte,
///   a 16-bit length, then the addresses (and TLVs, skipped).
public enum ProxyProtocolParser {
    public enum Outcome: Sendable, Hashable {
        case incomplete
        case header(ProxyProtocolHeader)
        /// Not a PROXY header, or a malformed one; `offset` is where it went wrong.
        case invalid(reason: String, offset: Int)
    }

    static let v2Signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
    static let v1Prefix = Array("PROXY ".utf8)
    /// The longest version 1 line, its CRLF included.
    static let v1MaxLength = 107

    /// Parses the header at the start of `bytes` (what arrived so far).
    public static func parse(_ bytes: some RandomAccessCollection<UInt8>) -> Outcome {
        let data = Array(bytes.prefix(v1MaxLength + 216 + 16))
        if data.first == 0x0D { return parseV2(data) }
        return parseV1(data)
    }

    private static func parseV1(_ data: [UInt8]) -> Outcome {
        for (index, byte) in v1Prefix.enumerated() {
            guard index < data.count else { return .incomplete }
            guard data[index] == byte else { return .invalid(reason: "not a PROXY protocol header", offset: index) }
        }
        guard let lf = data.firstIndex(of: 0x0A) else {
            return data.count >= v1MaxLength ? .invalid(reason: "PROXY line longer than 107 bytes", offset: v1MaxLength)
                                             : .incomplete
        }
        guard lf > 0, data[lf - 1] == 0x0D else { return .invalid(reason: "PROXY line does not end in CRLF", offset: lf) }
        let line = String(decoding: data[v1Prefix.count..<(lf - 1)], as: UTF8.self)
        let fields = line.split(separator: " ", omittingEmptySubsequences: false)
        if fields.first == "UNKNOWN" {
            return .header(ProxyProtocolHeader(source: nil, sourcePort: 0, destination: nil, destinationPort: 0, length: lf + 1))
        }
        guard fields.count == 5, fields[0] == "TCP4" || fields[0] == "TCP6" else {
            return .invalid(reason: "PROXY line expects TCP4|TCP6 SRC DST SPORT DPORT", offset: v1Prefix.count)
        }
        guard let source = IPAddress(fields[1]), let destination = IPAddress(fields[2]),
              let sourcePort = port(fields[3]), let destinationPort = port(fields[4]) else {
            return .invalid(reason: "PROXY line has an invalid address or port", offset: v1Prefix.count + fields[0].count + 1)
        }
        let isV4: Bool
        if case .v4 = source { isV4 = true } else { isV4 = false }
        guard isV4 == (fields[0] == "TCP4") else {
            return .invalid(reason: "PROXY line's addresses do not match \(fields[0])", offset: v1Prefix.count)
        }
        return .header(ProxyProtocolHeader(source: source, sourcePort: sourcePort, destination: destination,
                                           destinationPort: destinationPort, length: lf + 1))
    }

    /// A port as version 1 writes it: decimal, no sign, 0 to 65535.
    private static func port(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy(\.isASCII), let value = Int(text), value <= 65535,
              text.first != "+" else { return nil }
        return value
    }

    private static func parseV2(_ data: [UInt8]) -> Outcome {
        for (index, byte) in v2Signature.enumerated() {
            guard index < data.count else { return .incomplete }
            guard data[index] == byte else { return .invalid(reason: "not a PROXY protocol header", offset: index) }
        }
        guard data.count >= 16 else { return .incomplete }
        let versionCommand = data[12], familyProtocol = data[13]
        guard versionCommand >> 4 == 2 else { return .invalid(reason: "PROXY protocol version \(versionCommand >> 4)", offset: 12) }
        let length = Int(data[14]) << 8 | Int(data[15])
        let total = 16 + length
        guard data.count >= total else { return total > v1MaxLength + 216 + 16 ? .invalid(reason: "PROXY v2 header too long", offset: 14) : .incomplete }
        switch versionCommand & 0x0F {
        case 0:
            // LOCAL: a connection the proxy made itself (a health check): the socket's addresses stand.
            return .header(ProxyProtocolHeader(source: nil, sourcePort: 0, destination: nil, destinationPort: 0, length: total))
        case 1:
            break
        default:
            return .invalid(reason: "PROXY v2 command \(versionCommand & 0x0F)", offset: 12)
        }
        let body = Array(data[16..<total])
        func u16(_ at: Int) -> Int { Int(body[at]) << 8 | Int(body[at + 1]) }
        switch familyProtocol >> 4 {
        case 1 where length >= 12:
            let source = IPAddress.v4(body[0..<4].reduce(0) { $0 << 8 | UInt32($1) })
            let destination = IPAddress.v4(body[4..<8].reduce(0) { $0 << 8 | UInt32($1) })
            return .header(ProxyProtocolHeader(source: source, sourcePort: u16(8), destination: destination,
                                               destinationPort: u16(10), length: total))
        case 2 where length >= 36:
            let source = IPAddress.v6(body[0..<16].reduce(0) { $0 << 8 | UInt128($1) })
            let destination = IPAddress.v6(body[16..<32].reduce(0) { $0 << 8 | UInt128($1) })
            return .header(ProxyProtocolHeader(source: source, sourcePort: u16(32), destination: destination,
                                               destinationPort: u16(34), length: total))
        case 0, 3:
            // UNSPEC, or UNIX sockets: no IP addresses to take.
            return .header(ProxyProtocolHeader(source: nil, sourcePort: 0, destination: nil, destinationPort: 0, length: total))
        default:
            return .invalid(reason: "PROXY v2 address block too short for its family", offset: 13)
        }
    }
}
