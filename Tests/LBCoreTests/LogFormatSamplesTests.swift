import LBConfig
@testable import LBCore
import Testing

/// `%[...]` expressions compiled for the logging module (unique ids), and the `unique-id` and `uuid` fetches.
@Suite struct LogFormatSamplesTests {
    static let plan: ProxyPlan = ProxyPlan.compile(Configuration(proxies: [Fixture.frontend(), Fixture.backend("be")])).plan!

    @Test func valuesFollowTheExpressions() throws {
        let compiled = LogFormatSamples.compile(["src", "req.hdr(host),lower", "unique-id", "nbsrv(be)", "url_param(nope)"],
                                                plan: Self.plan, at: Fixture.location(3))
        let samples = try #require(compiled.samples, "\(compiled.diagnostics)")
        #expect(compiled.diagnostics.isEmpty)
        let values = samples.values(request: Fixture.head, connection: Fixture.connection, uniqueID: "id-1")
        #expect(values == ["192.168.1.10", Fixture.head.headers.first("host")?.lowercased(), "id-1", "1", nil])
        // Without a request head (a request that could not be read), request fetches have no value.
        #expect(samples.values(request: nil, connection: Fixture.connection) == ["192.168.1.10", nil, nil, "1", nil])
    }

    @Test func errorsAndWarningsNameTheLine() {
        let compiled = LogFormatSamples.compile(["nosuchfetch", "req.ssl_ver"], plan: Self.plan, at: Fixture.location(7))
        #expect(compiled.samples == nil)
        #expect(compiled.diagnostics.map(\.severity) == [.error, .warning])
        #expect(compiled.diagnostics.allSatisfy { $0.location.line == 7 })
    }

    @Test func uuidIsARandomVersion4UUID() throws {
        let samples = try #require(LogFormatSamples.compile(["uuid", "uuid(4)"], plan: Self.plan, at: Fixture.location(1)).samples)
        let values = samples.values(request: nil, connection: Fixture.connection).compactMap { $0 }
        #expect(values.count == 2 && values[0] != values[1])
        for value in values {
            let groups = value.split(separator: "-").map(\.count)
            #expect(groups == [8, 4, 4, 4, 12], "\(value)")
            #expect(value.allSatisfy { "0123456789abcdef-".contains($0) }, "\(value)")
            #expect(Array(value)[14] == "4" && "89ab".contains(Array(value)[19]), "\(value)")
        }
    }
}
