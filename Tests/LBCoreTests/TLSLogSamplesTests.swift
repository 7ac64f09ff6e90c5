import LBConfig
@testable import LBCore
import Testing

/// The fetches `option httpslog` prints after the request line, on a TLS connection and on a plain one.
@Suite struct TLSLogSamplesTests {
    static let plan: ProxyPlan = ProxyPlan.compile(Configuration(proxies: [Fixture.frontend(), Fixture.backend("be")])).plan!
    static let expressions = ["fc_err", "ssl_fc_err,hex", "ssl_c_err", "ssl_c_ca_err", "ssl_fc_is_resumed", "ssl_fc_sni"]

    static func values(_ connection: ConnectionInfo) throws -> [String?] {
        let compiled = LogFormatSamples.compile(expressions, plan: plan, at: Fixture.location(1))
        #expect(compiled.diagnostics.isEmpty, "\(compiled.diagnostics)")
        return try #require(compiled.samples).values(request: Fixture.head, connection: connection)
    }

    @Test func establishedSessionHasNoErrorsAndTellsResumption() throws {
        let facts = TLSSessionFacts(serverName: "a.example", version: "TLSv1.2", cipher: "ECDHE-ECDSA-AES128-GCM-SHA256",
                                    alpn: nil, resumed: true, clientCertificate: nil, verifyResult: 0)
        let connection = ConnectionInfo(source: IPAddress("127.0.0.1"), sourcePort: 1, destination: nil, destinationPort: 443, tls: facts)
        // An integer through `hex` is its 64-bit big-endian value, as HAProxy prints `ssl_fc_err,hex`.
        #expect(try Self.values(connection) == ["0", "0000000000000000", "0", "0", "1", "a.example"])
    }

    @Test func plainConnectionHasOnlyTheConnectionError() throws {
        let connection = ConnectionInfo(source: IPAddress("127.0.0.1"), sourcePort: 1, destination: nil, destinationPort: 80)
        #expect(try Self.values(connection) == ["0", nil, nil, nil, nil, nil])
    }

    @Test func hexOfTextIsItsBytesAndOfANumberItsEightBytes() {
        #expect(Converter.hex.apply(.string("Az"))?.text == "417A")
        #expect(Converter.hex.apply(.integer(258))?.text == "0000000000000102")
        #expect(Converter.hex.apply(.boolean(true))?.text == "0000000000000001")
    }
}
