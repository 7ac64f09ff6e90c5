import LBConfig
import Testing
@testable import LBCore

struct HashTypeTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    // MARK: Hash functions

    @Test func sdbmKnownAnswers() {
        // h = c + h * 65599 from 0: "a" = 97; "ab" = 97 * 65599 + 98 = 6363201 = 0x611841.
        #expect(HashFunction.sdbm.hash(Self.bytes("")) == 0)
        #expect(HashFunction.sdbm.hash(Self.bytes("a")) == 97)
        #expect(HashFunction.sdbm.hash(Self.bytes("ab")) == 0x0061_1841)
        // Computed with an independent Python transcription of the definition.
        #expect(HashFunction.sdbm.hash(Self.bytes("123456789")) == 0x68a0_7035)
    }

    @Test func djb2KnownAnswers() {
        // h = h * 33 + c from 5381: "a" = 5381 * 33 + 97 = 177670; "ab" = 177670 * 33 + 98 = 5863208 = 0x597728.
        #expect(HashFunction.djb2.hash(Self.bytes("")) == 5381)
        #expect(HashFunction.djb2.hash(Self.bytes("a")) == 177_670)
        #expect(HashFunction.djb2.hash(Self.bytes("ab")) == 0x0059_7728)
        #expect(HashFunction.djb2.hash(Self.bytes("123456789")) == 0x35cd_bb82)
    }

    @Test func wt6KnownAnswers() {
        // The empty key is the XOR of the two seeds: 0xa53c965a ^ 0x5ca6953a. The others were printed by
        // HAProxy's C hash_wt6 compiled with gcc (-O0 and -O2 agree), which also covers its steps of 0.
        #expect(HashFunction.wt6.hash(Self.bytes("")) == 0xf99a_0360)
        #expect(HashFunction.wt6.hash(Self.bytes("a")) == 0x714b_f225)
        #expect(HashFunction.wt6.hash(Self.bytes("123456789")) == 0x84a1_6c1d)
        #expect(HashFunction.wt6.hash(Self.bytes("The quick brown fox jumps over the lazy dog")) == 0xe4e7_b045)
        #expect(HashFunction.wt6.hash(Self.bytes("key-1")) == 0x0c3e_6da5)
    }

    @Test func crc32KnownAnswers() {
        // The CRC-32 check value, and values zlib.crc32 gives.
        #expect(HashFunction.crc32.hash(Self.bytes("123456789")) == 0xcbf4_3926)
        #expect(HashFunction.crc32.hash(Self.bytes("")) == 0)
        #expect(HashFunction.crc32.hash(Self.bytes("a")) == 0xe8b7_be43)
        #expect(HashFunction.crc32.hash(Self.bytes("The quick brown fox jumps over the lazy dog")) == 0x414f_a339)
    }

    @Test func noneReadsTheKeyAsANumber() {
        #expect(HashFunction.none.hash(Self.bytes("123")) == 123)
        #expect(HashFunction.none.hash(Self.bytes("+7")) == 7)
        #expect(HashFunction.none.hash(Self.bytes("42abc")) == 42)
        #expect(HashFunction.none.hash(Self.bytes("abc")) == 0)
        #expect(HashFunction.none.hash(Self.bytes("")) == 0)
        #expect(HashFunction.none.hash(Self.bytes("-1")) == 0xffff_ffff)
        #expect(HashFunction.none.hash(Self.bytes("4294967297")) == 1, "the low 32 bits of 2^32 + 1")
        #expect(HashFunction.none.hash(Self.bytes("99999999999999999999999")) == 0xffff_ffff, "saturates at Int64.max")
        #expect(HashFunction.none.hash(Self.bytes("-99999999999999999999999")) == 0, "saturates at Int64.min")
        #expect(HashFunction.decimal(Self.bytes("-9223372036854775808")) == .min)
    }

    @Test func avalancheKnownAnswers() {
        // Jenkins' six shifts then * 3221225473, from an independent Python transcription.
        #expect(Avalanche.mix(0) == 0xab4e_d927)
        #expect(Avalanche.mix(1) == 0x3486_81b6)
        #expect(Avalanche.mix(0xc0a8_010a) == 0xbaa2_5d4e)
        #expect(Avalanche.mix(0x68a0_7035) == 0xcaaf_8dbe)
    }

    // MARK: The hash-type setting

    @Test func defaultsFollowHAProxy() {
        #expect(HashType(words: []) == HashType(method: .mapBased, function: .sdbm, avalanche: false))
        #expect(HashType(words: ["map-based"]) == HashType(method: .mapBased, function: .sdbm, avalanche: false))
        // A bare "consistent" adds avalanche; naming the function leaves it to the modifier.
        #expect(HashType(words: ["consistent"]) == HashType(method: .consistent, function: .sdbm, avalanche: true))
        #expect(HashType(words: ["consistent", "sdbm"]) == HashType(method: .consistent, function: .sdbm, avalanche: false))
        #expect(HashType(words: ["map-based", "crc32", "avalanche"]) == HashType(method: .mapBased, function: .crc32, avalanche: true))
        #expect(HashType(words: ["consistent", "wt6"]).hash(Self.bytes("a")) == 0x714b_f225)
        #expect(HashType(words: ["map-based", "sdbm", "avalanche"]).hash(Self.bytes("123456789")) == 0xcaaf_8dbe)
    }

    @Test func sourceKeyIsTheAddressNotTheFunction() {
        let plain = HashType(method: .mapBased, function: .djb2, avalanche: false)
        #expect(plain.hash(source: IPAddress("192.168.1.10")!) == 0xc0a8_010a)
        #expect(plain.hash(source: IPAddress("::ffff:192.168.1.10")!) == 0xc0a8_010a)
        // The four 32-bit words XORed: 0x20010db8 ^ 0 ^ 0 ^ 5.
        #expect(plain.hash(source: IPAddress("2001:db8::5")!) == 0x2001_0dbd)
        #expect(HashType(words: ["consistent"]).hash(source: IPAddress("192.168.1.10")!) == 0xbaa2_5d4e)
    }

    @Test func mapBasedSourceIsTheAddressModuloTheTable() {
        // HAProxy's default: no avalanche, so consecutive addresses take consecutive slots.
        var balancer = BalancerFactory.make(for: BalancerTests.plan(.source, weights: [1, 1, 1, 1]))
        let servers = MockServers(weights: [1, 1, 1, 1])
        let picks = (0..<8).map { balancer.pick(servers, request: nil, connection: Fixture.connection(source: "10.0.0.\($0)")) }
        #expect(picks == [0, 1, 2, 3, 0, 1, 2, 3])
    }

    @Test func planCarriesTheHashType() throws {
        var backend = Fixture.backend("api")
        backend.balance = .uri(arguments: [])
        backend.hashType = ["consistent", "djb2"]
        let (plan, diagnostics) = ProxyPlan.compile(Configuration(proxies: [Fixture.frontend(defaultBackend: .name("api")), backend]))
        let compiled = try #require(plan, "\(diagnostics)")
        #expect(compiled.backends[0].hashType == HashType(method: .consistent, function: .djb2, avalanche: false))
        #expect(!diagnostics.contains { $0.message.contains("hash-type") }, "\(diagnostics)")
        let (defaulted, _) = ProxyPlan.compile(Configuration(proxies: [Fixture.frontend(defaultBackend: .name("api")), Fixture.backend("api")]))
        #expect(defaulted?.backends[0].hashType == HashType())
    }

    // MARK: Placement

    static func plan(_ hashType: HashType, weights: [Int]) -> BackendPlan {
        var plan = BalancerTests.plan(.uri(arguments: []), weights: weights)
        plan.hashType = hashType
        return plan
    }

    static let keys = (0..<100_000).map { Fixture.request("GET", "/object/\($0)") }

    /// The server each key goes to.
    static func assignments(_ balancer: inout any Balancer, _ servers: MockServers) -> [Int?] {
        keys.map { balancer.pick(servers, request: $0, connection: Fixture.connection) }
    }

    /// Each server's share of the keys is within one percentage point of its share of the weights.
    static func expectWeightsHonoured(_ hashType: HashType, _ weights: [Int]) {
        var balancer = BalancerFactory.make(for: plan(hashType, weights: weights))
        var counts = Array(repeating: 0, count: weights.count)
        for server in assignments(&balancer, MockServers(weights: weights)) { counts[server!] += 1 }
        let weightSum = Double(weights.reduce(0, +))
        for (index, weight) in weights.enumerated() {
            let share = Double(counts[index]) / Double(keys.count)
            #expect(abs(share - Double(weight) / weightSum) <= 0.01, "\(hashType.method) server \(index): \(counts)")
        }
    }

    @Test(arguments: [[1, 1, 1, 1, 1], [1, 2, 3, 10], [5, 1, 1], [256, 1], [7, 7, 3, 0, 1], [100, 100, 50]])
    func consistentHonoursWeightsWithinOnePercent(_ weights: [Int]) {
        Self.expectWeightsHonoured(HashType(words: ["consistent"]), weights)
    }

    @Test(arguments: [[1, 1, 1, 1, 1], [1, 2, 3, 10], [5, 1, 1], [256, 1], [7, 7, 3, 0, 1], [100, 100, 50]])
    func mapBasedHonoursWeightsWithinOnePercent(_ weights: [Int]) {
        Self.expectWeightsHonoured(HashType(), weights)
    }

    /// The fraction of keys whose server changed when server `removed` of `count` equal servers went away,
    /// and whether every key that moved had been on the removed server.
    static func removal(_ hashType: HashType, count: Int, removed: Int, byWeight: Bool = false) -> (moved: Double, onlyFromRemoved: Bool) {
        var balancer = BalancerFactory.make(for: plan(hashType, weights: Array(repeating: 1, count: count)))
        var servers = MockServers(weights: Array(repeating: 1, count: count))
        let before = assignments(&balancer, servers)
        if byWeight { servers.weights[removed] = 0 } else { servers.usable[removed] = false }
        let after = assignments(&balancer, servers)
        var moved = 0
        var onlyFromRemoved = true
        for (old, new) in zip(before, after) where old != new {
            moved += 1
            if old != removed { onlyFromRemoved = false }
        }
        #expect(!after.contains(removed))
        return (Double(moved) / Double(keys.count), onlyFromRemoved)
    }

    // Measured with these 100k keys, removing server 0 / server N/2: consistent moves 19.7% / 20.2% of the
    // keys for N = 5 and 9.8% / 10.1% for N = 10, all of them the removed server's; map-based moves
    // 80.4% / 80.3% and 90.2% / 90.1%, most of them between servers that stayed.
    @Test(arguments: [5, 10])
    func consistentMovesOnlyTheRemovedServersKeys(_ count: Int) {
        for removed in [0, count / 2] {
            let down = Self.removal(HashType(words: ["consistent"]), count: count, removed: removed)
            #expect(down.onlyFromRemoved, "a key on a remaining server moved")
            #expect(down.moved <= 1 / Double(count) + 0.02, "moved \(down.moved)")
            // Taking the weight away rebuilds the ring instead of walking past the server: same result.
            let weightless = Self.removal(HashType(words: ["consistent"]), count: count, removed: removed, byWeight: true)
            #expect(weightless.onlyFromRemoved && weightless.moved == down.moved)
        }
    }

    @Test(arguments: [5, 10])
    func mapBasedReshufflesMostKeys(_ count: Int) {
        // The documented cost of map-based hashing: the table is rebuilt with one slot fewer and `hash % size`
        // sends most keys elsewhere, including keys of servers that did not change.
        let result = Self.removal(HashType(), count: count, removed: count / 2)
        #expect(!result.onlyFromRemoved)
        #expect(result.moved > 0.5, "moved \(result.moved)")
    }

    @Test func consistentWeightChangeMovesKeysOnlyToThatServer() {
        var balancer = BalancerFactory.make(for: Self.plan(HashType(words: ["consistent"]), weights: [1, 1, 1, 1]))
        var servers = MockServers(weights: [1, 1, 1, 1])
        let before = Self.assignments(&balancer, servers)
        servers.weights[2] = 2
        let after = Self.assignments(&balancer, servers)
        let moved = zip(before, after).filter { $0 != $1 }
        #expect(!moved.isEmpty && moved.allSatisfy { $0.1 == 2 }, "only keys gained by the heavier server move")
        // Back to the old weight: every key returns.
        servers.weights[2] = 1
        #expect(Self.assignments(&balancer, servers) == before)
    }

    @Test func consistentRingKeysReturnWhenAServerComesBack() {
        var balancer = BalancerFactory.make(for: Self.plan(HashType(words: ["consistent"]), weights: [1, 1, 1]))
        var servers = MockServers(weights: [1, 1, 1])
        let keys = Self.keys.prefix(2000)
        let before = keys.map { balancer.pick(servers, request: $0, connection: Fixture.connection) }
        servers.usable[1] = false
        #expect(!keys.contains { balancer.pick(servers, request: $0, connection: Fixture.connection) == 1 })
        servers.usable[1] = true
        #expect(keys.map { balancer.pick(servers, request: $0, connection: Fixture.connection) } == before)
        servers.usable = [false, false, false]
        #expect(balancer.pick(servers, request: keys.first, connection: Fixture.connection) == nil)
    }

    @Test func consistentBackupsServeWhenActivesAreDown() {
        var plan = BalancerTests.plan(.source, weights: [1, 1, 1, 1], backups: [2, 3], allBackups: true)
        plan.hashType = HashType(words: ["consistent"])
        var balancer = BalancerFactory.make(for: plan)
        var servers = MockServers(weights: [1, 1, 1, 1])
        func spread() -> Set<Int?> {
            Set((0..<200).map { balancer.pick(servers, request: nil, connection: Fixture.connection(source: "10.6.0.\($0)")) })
        }
        #expect(spread() == [0, 1])
        servers.usable[0] = false
        servers.usable[1] = false
        #expect(spread() == [2, 3])
        servers.usable[1] = true
        #expect(spread() == [1])
    }
}
