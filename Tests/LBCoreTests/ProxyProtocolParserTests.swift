import LBConfig
import Testing
@testable import LBCore

/// PROXY protocol headers, versions 1 and 2, byte by byte.
struct ProxyProtocolParserTests {
    static func parse(_ text: String) -> ProxyProtocolParser.Outcome { ProxyProtocolParser.parse(Array(text.utf8)) }

    @Test func version1TCP4AndTCP6() {
        let line = "PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\r\nGET / HTTP/1.1\r\n"
        #expect(Self.parse(line) == .header(ProxyProtocolHeader(
            source: IPAddress("192.0.2.10"), sourcePort: 56324, destination: IPAddress("198.51.100.1"), destinationPort: 443,
            length: 46)))
        guard case .header(let v6) = Self.parse("PROXY TCP6 2001:db8::1 2001:db8::2 1 65535\r\n") else {
            Issue.record("no header")
            return
        }
        #expect(v6.source == IPAddress("2001:db8::1") && v6.destinationPort == 65535)
        #expect(Self.parse("PROXY UNKNOWN\r\n") == .header(ProxyProtocolHeader(source: nil, sourcePort: 0, destination: nil,
                                                                               destinationPort: 0, length: 15)))
    }

    @Test func aHeaderArrivingInPiecesIsWaitedFor() {
        let line = Array("PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\r\n".utf8)
        for end in [0, 3, 6, 20, line.count - 1] {
            #expect(ProxyProtocolParser.parse(line[0..<end]) == .incomplete, "\(end) bytes")
        }
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\n", "not a PROXY protocol header", 0),
        ("PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\n", "PROXY line does not end in CRLF", 44),
        ("PROXY TCP5 a b 1 2\r\n", "PROXY line expects TCP4|TCP6 SRC DST SPORT DPORT", 6),
        ("PROXY TCP4 192.0.2.10 198.51.100.1 70000 443\r\n", "PROXY line has an invalid address or port", 11),
        ("PROXY TCP6 192.0.2.10 198.51.100.1 1 2\r\n", "PROXY line's addresses do not match TCP6", 6),
    ])
    func mistakesSayWhere(text: String, reason: String, offset: Int) {
        #expect(Self.parse(text) == .invalid(reason: reason, offset: offset))
    }

    @Test func aLineThatNeverEndsIsRefused() {
        #expect(Self.parse("PROXY TCP4 " + String(repeating: "1", count: 120)) == .invalid(reason: "PROXY line longer than 107 bytes", offset: 107))
    }

    static func v2(command: UInt8, family: UInt8, addresses: [UInt8], extra: [UInt8] = []) -> [UInt8] {
        let body = addresses + extra
        return ProxyProtocolParser.v2Signature + [0x20 | command, family, UInt8(body.count >> 8), UInt8(body.count & 0xff)] + body
    }

    @Test func version2ProxyAndLocal() {
        // 192.0.2.10:56324 -> 198.51.100.1:443, then a TLV (skipped), then the client's bytes.
        let addresses: [UInt8] = [192, 0, 2, 10, 198, 51, 100, 1, 0xDC, 0x04, 0x01, 0xBB]
        let header = Self.v2(command: 1, family: 0x11, addresses: addresses, extra: [0x04, 0x00, 0x01, 0x00])
        #expect(ProxyProtocolParser.parse(header + Array("GET".utf8)) == .header(ProxyProtocolHeader(
            source: IPAddress("192.0.2.10"), sourcePort: 56324, destination: IPAddress("198.51.100.1"), destinationPort: 443,
            length: 16 + 16)))
        let v6 = Self.v2(command: 1, family: 0x21, addresses: [UInt8](repeating: 0, count: 15) + [1] + [UInt8](repeating: 0, count: 15) + [2] + [0, 80, 1, 187])
        guard case .header(let parsed) = ProxyProtocolParser.parse(v6) else {
            Issue.record("no header")
            return
        }
        #expect(parsed.source == IPAddress("::1") && parsed.destination == IPAddress("::2") && parsed.sourcePort == 80)
        // LOCAL: the proxy's own connection (a health check); the socket's addresses stand.
        #expect(ProxyProtocolParser.parse(Self.v2(command: 0, family: 0, addresses: [])) == .header(ProxyProtocolHeader(
            source: nil, sourcePort: 0, destination: nil, destinationPort: 0, length: 16)))
        #expect(ProxyProtocolParser.parse(Array(header[0..<20])) == .incomplete)
        var wrongVersion = header
        wrongVersion[12] = 0x31
        #expect(ProxyProtocolParser.parse(wrongVersion) == .invalid(reason: "PROXY protocol version 3", offset: 12))
    }
}
