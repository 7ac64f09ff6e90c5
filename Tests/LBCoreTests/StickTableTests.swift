import LBConfig
import Testing
@testable import LBCore

/// The stick-table store on a mock clock (milliseconds passed in), and stick rules compiled from text.
@Suite struct StickTableTests {
    func table(_ type: StickTableDeclaration.KeyType = .string, size: Int = 3, expire: Int? = 1000, len: Int = 32,
               noPurge: Bool = false) -> StickTableStore {
        StickTableStore(StickTableDeclaration(type: type, keyLength: len, size: size, expire: expire, noPurge: noPurge,
                                              location: Fixture.location(1)))
    }

    @Test func storesAndFindsKeys() {
        var store = table()
        #expect(store.lookup("a", now: 0) == nil)
        store.store("a", server: 1, now: 0)
        store.store("b", server: 0, now: 0)
        #expect(store.lookup("a", now: 10) == 1)
        #expect(store.lookup("b", now: 10) == 0)
        store.store("a", server: 2, now: 20)
        #expect(store.lookup("a", now: 30) == 2, "a later store points the key at the new server")
        #expect(store.count == 2)
    }

    @Test func entriesExpireAfterTheirLastUse() {
        var store = table(expire: 1000)
        store.store("a", server: 1, now: 0)
        store.store("b", server: 2, now: 0)
        #expect(store.lookup("a", now: 900) == 1, "a lookup refreshes the entry")
        #expect(store.lookup("b", now: 1000) == nil, "b was not used for 1000 ms")
        #expect(store.lookup("a", now: 1899) == 1)
        #expect(store.lookup("a", now: 2899) == nil)
        #expect(store.count == 0)
    }

    @Test func withoutExpireEntriesStay() {
        var store = table(expire: nil)
        store.store("a", server: 1, now: 0)
        #expect(store.lookup("a", now: 86_400_000) == 1)
    }

    @Test func aFullTableEvictsTheLeastRecentlyUsed() {
        var store = table(size: 3)
        store.store("a", server: 0, now: 0)
        store.store("b", server: 1, now: 1)
        store.store("c", server: 2, now: 2)
        _ = store.lookup("a", now: 3)
        store.store("d", server: 0, now: 4)
        #expect(store.count == 3)
        #expect(store.lookup("b", now: 5) == nil, "b was the least recently used")
        #expect(store.lookup("a", now: 5) == 0)
        #expect(store.lookup("c", now: 5) == 2)
        #expect(store.lookup("d", now: 5) == 0)
        #expect(store.snapshot(now: 6).map(\.key) == ["d", "c", "a"])
    }

    @Test func noPurgeRefusesNewKeysWhenFull() {
        var store = table(size: 2, noPurge: true)
        store.store("a", server: 0, now: 0)
        store.store("b", server: 1, now: 0)
        store.store("c", server: 1, now: 0)
        #expect(store.lookup("c", now: 1) == nil)
        #expect(store.lookup("a", now: 1) == 0)
        store.store("a", server: 1, now: 2)
        #expect(store.lookup("a", now: 3) == 1, "existing keys still update")
    }

    @Test func stringKeysAreCutToTheTableLength() {
        var store = table(len: 4)
        store.store("abcdefgh", server: 1, now: 0)
        #expect(store.lookup("abcdXYZ", now: 1) == 1)
        var ips = table(.ip)
        ips.store("10.0.0.1", server: 0, now: 0)
        #expect(ips.lookup("10.0.0.1", now: 1) == 0)
        #expect(ips.lookup("10.0.0.10", now: 1) == nil)
    }

    @Test func clearingAServerForgetsOnlyItsEntries() {
        var store = table(size: 10)
        for (index, key) in ["a", "b", "c", "d"].enumerated() { store.store(key, server: index % 2, now: 0) }
        store.clear(server: 1)
        #expect(store.snapshot(now: 1).map(\.key).sorted() == ["a", "c"])
        store.clear()
        #expect(store.count == 0)
    }

    @Test func slotsAreReusedAfterEviction() {
        var store = table(size: 2)
        for round in 0..<1000 { store.store("k\(round)", server: round % 3, now: Int64(round)) }
        #expect(store.count == 2)
        #expect(store.lookup("k999", now: 1000) == 999 % 3)
        #expect(store.lookup("k998", now: 1000) == 998 % 3)
    }

    // MARK: Compiled rules

    func plan(_ backendLines: String) throws -> ProxyPlan {
        let text = """
            defaults
                mode http
                timeout client 5s
                timeout server 5s
                timeout connect 1s
            frontend f
                bind :80
                default_backend b
            backend b
            \(backendLines)
                server s1 127.0.0.1:8001
                server s2 127.0.0.1:8002
            backend shared
                stick-table type string len 16 size 1k expire 10m
            """
        let loaded = ConfigurationLoader.parse(text, name: "test.cfg")
        let configuration = try #require(loaded.configuration, "\(loaded.diagnostics)")
        let compiled = ProxyPlan.compile(configuration)
        return try #require(compiled.plan, "\(compiled.diagnostics)")
    }

    func compileErrors(_ backendLines: String) -> [String] {
        let text = """
            defaults
                mode http
                timeout client 5s
                timeout server 5s
                timeout connect 1s
            frontend f
                bind :80
                default_backend b
            backend b
            \(backendLines)
                server s1 127.0.0.1:8001
            """
        let loaded = ConfigurationLoader.parse(text, name: "test.cfg")
        let diagnostics = loaded.configuration.map { ProxyPlan.compile($0).diagnostics } ?? loaded.diagnostics
        return diagnostics.filter { $0.severity == .error }.map(\.message)
    }

    @Test func rulesGiveKeysFromTheRequest() throws {
        let plan = try plan("""
                stick-table type ip size 100 expire 30m
                stick on src
                stick match req.cook(session) table shared if { path_beg /static }
                stick store-request req.cook(session),upper table shared
            """)
        let backend = plan.backends[0]
        #expect(backend.stickTable?.type == .ip && backend.stickTable?.size == 100 && backend.stickTable?.expire == 1_800_000)
        let rules = backend.stickRules
        #expect(rules.map(\.kind) == [.on, .match, .storeRequest])
        #expect(rules.map(\.table) == [0, 1, 1])
        #expect(rules[0].key(request: Fixture.head, connection: Fixture.connection) == "192.168.1.10")
        #expect(rules[1].key(request: Fixture.head, connection: Fixture.connection) == "abc123")
        #expect(rules[1].key(request: Fixture.request("GET", "/api"), connection: Fixture.connection) == nil,
                "the condition does not hold")
        #expect(rules[2].key(request: Fixture.head, connection: Fixture.connection) == "ABC123")
        #expect(rules[0].key(request: nil, connection: Fixture.connection) == "192.168.1.10", "src works on a TCP connection")
        #expect(rules[2].key(request: nil, connection: Fixture.connection) == nil)
    }

    @Test func badRulesAreConfigErrors() {
        #expect(compileErrors("    stick on src").contains { $0.contains("'b' has no stick-table") })
        #expect(compileErrors("    stick on src table nowhere").contains { $0.contains("no backend named 'nowhere'") })
        #expect(compileErrors("    stick-table type ip size 10\n    stick on req.cook(x)").contains {
            $0.contains("table of type ip needs an address")
        })
        #expect(compileErrors("    stick-table type ip size 10\n    stick on nosuchfetch").contains { $0.contains("unknown fetch") })
    }
}
