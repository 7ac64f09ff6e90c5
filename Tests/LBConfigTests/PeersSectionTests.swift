import Testing
@testable import LBConfig

/// `peers` sections in HAProxy's two forms, `stick-table ... peers NAME`, and the mistakes refused with
/// their line.
@Suite struct PeersSectionTests {
    static let table = """
        backend be
            stick-table type ip size 1m expire 30m peers mypeers
            stick on src
            server s1 127.0.0.1:8001

        """

    @Test func peerLinesNameTheLocalPeerAndItsAddress() throws {
        let result = parse(quietDefaults + """
            peers mypeers
                peer alpha 10.0.0.1:10000
                peer beta 10.0.0.2:10000

            """ + Self.table, environment: ["HAPROXY_LOCALPEER": "beta"])
        #expect(result.errors.isEmpty, "\(result.errors)")
        let section = try #require(result.configuration?.peers.first)
        #expect(section.name == "mypeers")
        #expect(section.localPeerName == "beta")
        #expect(section.peers.map(\.name) == ["alpha", "beta"])
        #expect(section.remotePeers.map(\.name) == ["alpha"])
        #expect(section.listenAddress == PeersSection.Address(host: "10.0.0.2", port: 10000))
        #expect(result.configuration?.backend(named: "be")?.stickTable?.peers == "mypeers")
    }

    @Test func bindAndServerLinesOfTheNewerForm() throws {
        let result = parse(quietDefaults + """
            peers mypeers
                bind 127.0.0.1:10001
                server alpha
                server beta 127.0.0.1:10002

            """ + Self.table, environment: ["HAPROXY_LOCALPEER": "alpha"])
        #expect(result.errors.isEmpty, "\(result.errors)")
        let section = try #require(result.configuration?.peers.first)
        #expect(section.listenAddress == PeersSection.Address(host: "127.0.0.1", port: 10001))
        #expect(section.remotePeers.first?.port == 10002)
    }

    @Test func aSectionWithoutTheLocalPeerIsIgnoredWithAWarning() {
        let result = parse(quietDefaults + """
            peers mypeers
                peer alpha 10.0.0.1:10000

            """ + Self.table, environment: ["HAPROXY_LOCALPEER": "gamma"])
        #expect(result.errors.isEmpty)
        #expect(result.find(.warning, line: 6, "no peer named 'gamma'") != nil, "\(result.diagnostics)")
    }

    @Test func mistakesNameTheirLine() {
        let environment = ["HAPROXY_LOCALPEER": "alpha"]
        let mixed = parse(quietDefaults + "peers p\n    peer alpha 127.0.0.1:1000\n    bind :1001\n", environment: environment)
        #expect(mixed.find(.error, line: 8, "mixing 'peer' and 'bind'") != nil, "\(mixed.diagnostics)")
        let noPort = parse(quietDefaults + "peers p\n    peer alpha 127.0.0.1\n", environment: environment)
        #expect(noPort.find(.error, line: 7, "missing port") != nil, "\(noPort.diagnostics)")
        let twice = parse(quietDefaults + "peers p\n    peer alpha 127.0.0.1:1000\n    peer alpha 127.0.0.1:1001\n", environment: environment)
        #expect(twice.find(.error, line: 8, "peer 'alpha' is already declared at test.cfg:7") != nil, "\(twice.diagnostics)")
        let unknown = parse(quietDefaults + "peers p\n    peer alpha 127.0.0.1:1000\n    peeer beta 127.0.0.1:1001\n", environment: environment)
        #expect(unknown.find(.error, line: 8, "unknown keyword 'peeer'")?.hint == "did you mean 'peer'?", "\(unknown.diagnostics)")
        let table = parse(quietDefaults + "peers p\n    peer alpha 127.0.0.1:1000\n    table t type ip size 1k\n", environment: environment)
        #expect(table.find(.error, line: 8, "'table' in a peers section is not supported") != nil)
        let noLocalAddress = parse(quietDefaults + "peers p\n    server alpha\n    server beta 127.0.0.1:1001\n", environment: environment)
        #expect(noLocalAddress.find(.error, line: 7, "the local peer 'alpha' has no address") != nil, "\(noLocalAddress.diagnostics)")
    }

    @Test func aTableNamesAnExistingSection() {
        let result = parse(quietDefaults + """
            peers mypeers
                peer alpha 127.0.0.1:1000

            backend be
                stick-table type ip size 1m peers otherpeers
                server s1 127.0.0.1:8001

            """, environment: ["HAPROXY_LOCALPEER": "alpha"])
        #expect(result.find(.error, line: 10, "unknown peers section 'otherpeers'") != nil, "\(result.diagnostics)")
    }

    @Test func stickTableRemembersAWrittenLength() {
        let result = parse(quietDefaults + "backend be\n    stick-table type string len 64 size 1k\n    server s1 127.0.0.1:1\n")
        #expect(result.configuration?.backend(named: "be")?.stickTable?.keyLengthWritten == true)
        #expect(result.configuration?.backend(named: "be")?.stickTable?.keyLength == 64)
    }
}
