import LBConfig
import Testing
@testable import LBCore

/// The PROXY headers lb writes (`send-proxy`, `send-proxy-v2`): exact bytes, and what the parser reads
/// back from them.
struct ProxyProtocolEncodingTests {
    static let v4 = ProxyProtocolHeader(source: IPAddress("192.0.2.10"), sourcePort: 56324,
                                        destination: IPAddress("198.51.100.1"), destinationPort: 443)

    @Test func version1IsOneLine() {
        #expect(String(decoding: Self.v4.encoded(.v1), as: UTF8.self) == "PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\r\n")
        #expect(String(decoding: ProxyProtocolHeader.unnamed.encoded(.v1), as: UTF8.self) == "PROXY UNKNOWN\r\n")
    }

    @Test func version2IsBinary() {
        #expect(Self.v4.encoded(.v2) == ProxyProtocolParser.v2Signature + [0x21, 0x11, 0, 12,
                                                                            192, 0, 2, 10, 198, 51, 100, 1, 0xDC, 0x04, 0x01, 0xBB])
        #expect(ProxyProtocolHeader.unnamed.encoded(.v2) == ProxyProtocolParser.v2Signature + [0x20, 0x00, 0, 0])
    }

    @Test(arguments: [ProxyProtocolVersion.v1, .v2], [
        ProxyProtocolEncodingTests.v4,
        ProxyProtocolHeader(source: IPAddress("2001:db8::7"), sourcePort: 1, destination: IPAddress("2001:db8::1"), destinationPort: 65535),
    ])
    func theParserReadsBackWhatWasWritten(version: ProxyProtocolVersion, header: ProxyProtocolHeader) {
        let bytes = header.encoded(version)
        var expected = header
        expected.length = bytes.count
        #expect(ProxyProtocolParser.parse(bytes + Array("GET /".utf8)) == .header(expected))
    }

    @Test(arguments: [ProxyProtocolVersion.v1, .v2])
    func mixedFamiliesAreWrittenAsIPv6(version: ProxyProtocolVersion) throws {
        let mixed = ProxyProtocolHeader(source: IPAddress("192.0.2.10"), sourcePort: 5, destination: IPAddress("2001:db8::1"), destinationPort: 80)
        guard case .header(let read) = ProxyProtocolParser.parse(mixed.encoded(version)) else {
            Issue.record("not read back")
            return
        }
        #expect(read.source == IPAddress("::ffff:192.0.2.10") && read.destination == IPAddress("2001:db8::1"))
    }

    @Test func checksFollowTheTrafficUnlessSentElsewhere() {
        func plan(_ options: (inout ServerDeclaration) -> Void) -> ServerPlan {
            var declaration = ServerDeclaration(name: "s", host: "10.0.0.1", port: 80, location: SourceLocation(file: "t", line: 1))
            options(&declaration)
            return ServerPlan(declaration: declaration, index: 0)
        }
        #expect(plan { $0.sendProxy = .v2 }.checkSendProxy == .v2)
        #expect(plan { $0.sendProxy = .v2; $0.checkPort = 8080 }.checkSendProxy == nil)
        #expect(plan { $0.sendProxy = .v1; $0.checkAddress = "10.0.0.9" }.checkSendProxy == nil)
        #expect(plan { $0.sendProxy = .v2; $0.checkPort = 8080; $0.checkSendProxy = true }.checkSendProxy == .v2)
        #expect(plan { $0.checkSendProxy = true }.checkSendProxy == .v1)
        #expect(plan { _ in }.checkSendProxy == nil)
    }
}
