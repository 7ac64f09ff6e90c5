import LBConfig
import Testing
@testable import LBCore

struct BalancerTests {
    static func plan(_ balance: BalanceAlgorithm, weights: [Int], backups: Set<Int> = [], allBackups: Bool = false,
                     maxconn: [Int?]? = nil) -> BackendPlan {
        let servers = weights.enumerated().map { index, weight in
            ServerPlan(declaration: Fixture.server("s\(index)", weight: weight, backup: backups.contains(index),
                                                   maxconn: maxconn?[index]), index: index)
        }
        return BackendPlan(name: "b", mode: .http, servers: servers, balance: balance, retries: 3, redispatchInterval: nil,
                           timeouts: Timeouts(), connectionMode: nil, forwardFor: nil, healthCheck: HealthCheckSettings(),
                           rules: RequestRules(), allBackups: allBackups)
    }

    static func picks(_ balancer: inout any Balancer, _ servers: MockServers, count: Int,
                      request: HTTPRequestHead? = nil, connection: ConnectionInfo = Fixture.connection) -> [Int?] {
        (0..<count).map { _ in balancer.pick(servers, request: request, connection: connection) }
    }

    static let all: [BalanceAlgorithm] = [
        .roundRobin, .staticRoundRobin, .leastConnections, .first, .source, .uri(arguments: []),
        .urlParameter(name: "id", arguments: []), .header(name: "host", useDomainOnly: false), .random(draws: 2),
        .rdpCookie(name: "mstshash"), .other(keyword: "hash", arguments: ["src"]),
    ]

    @Test func smoothRoundRobinInterleaves() {
        var even = BalancerFactory.make(for: Self.plan(.roundRobin, weights: [2, 2, 2]))
        #expect(Self.picks(&even, MockServers(weights: [2, 2, 2]), count: 6) == [0, 1, 2, 0, 1, 2])
        var skewed = BalancerFactory.make(for: Self.plan(.roundRobin, weights: [5, 1, 1]))
        #expect(Self.picks(&skewed, MockServers(weights: [5, 1, 1]), count: 7) == [0, 0, 1, 0, 2, 0, 0])
    }

    @Test(arguments: [[1, 2, 3, 10], [5, 1, 1], [256, 1], [7, 7, 3, 0, 1]])
    func roundRobinHonoursWeightsWithinOnePercent(_ weights: [Int]) {
        var balancer = BalancerFactory.make(for: Self.plan(.roundRobin, weights: weights))
        let servers = MockServers(weights: weights)
        var counts = Array(repeating: 0, count: weights.count)
        let total = 100_000
        for _ in 0..<total { counts[balancer.pick(servers, request: nil, connection: Fixture.connection)!] += 1 }
        let weightSum = Double(weights.reduce(0, +))
        for (index, weight) in weights.enumerated() {
            let expected = Double(total) * Double(weight) / weightSum
            #expect(abs(Double(counts[index]) - expected) <= max(1, expected * 0.01), "server \(index): \(counts[index]) vs \(expected)")
        }
    }

    @Test func roundRobinFollowsRuntimeWeightAndAvailability() {
        var balancer = BalancerFactory.make(for: Self.plan(.roundRobin, weights: [1, 1]))
        var servers = MockServers(weights: [1, 1])
        #expect(Self.picks(&balancer, servers, count: 4) == [0, 1, 0, 1])
        servers.weights = [3, 1]
        let window = Self.picks(&balancer, servers, count: 8).compactMap { $0 }
        #expect(window.filter { $0 == 0 }.count == 6)
        servers.usable[0] = false
        #expect(Self.picks(&balancer, servers, count: 3) == [1, 1, 1])
        servers.usable = [false, false]
        #expect(Self.picks(&balancer, servers, count: 1) == [nil])
    }

    @Test func staticRoundRobinUsesConfiguredWeights() {
        var balancer = BalancerFactory.make(for: Self.plan(.staticRoundRobin, weights: [3, 1]))
        var servers = MockServers(weights: [1, 1])  // runtime weights other than 0 do not change static-rr
        let first = Self.picks(&balancer, servers, count: 8).compactMap { $0 }
        #expect(first.filter { $0 == 0 }.count == 6)
        servers.weights = [0, 1]
        #expect(Self.picks(&balancer, servers, count: 3) == [1, 1, 1])
    }

    @Test func leastConnectionsPicksFewestAndRotatesTies() {
        var balancer = BalancerFactory.make(for: Self.plan(.leastConnections, weights: [1, 1, 1]))
        var servers = MockServers(weights: [1, 1, 1], connections: [3, 1, 1])
        #expect(Self.picks(&balancer, servers, count: 4) == [1, 2, 1, 2])
        servers.connections = [0, 5, 5]
        #expect(Self.picks(&balancer, servers, count: 1) == [0])
        servers.connections = [2, 2, 2]
        #expect(Self.picks(&balancer, servers, count: 3).sorted { $0! < $1! } == [0, 1, 2])
    }

    @Test func leastConnectionsWeighsConnections() {
        var balancer = BalancerFactory.make(for: Self.plan(.leastConnections, weights: [4, 1]))
        // 3 connections at weight 4 is lighter than 1 at weight 1.
        #expect(Self.picks(&balancer, MockServers(weights: [4, 1], connections: [3, 1]), count: 1) == [0])
    }

    @Test func firstFillsLowestIndexUpToMaxconn() {
        var balancer = BalancerFactory.make(for: Self.plan(.first, weights: [1, 1, 1], maxconn: [2, 2, nil]))
        #expect(Self.picks(&balancer, MockServers(weights: [1, 1, 1], connections: [0, 0, 0]), count: 2) == [0, 0])
        #expect(Self.picks(&balancer, MockServers(weights: [1, 1, 1], connections: [2, 1, 0]), count: 1) == [1])
        #expect(Self.picks(&balancer, MockServers(weights: [1, 1, 1], connections: [2, 2, 50]), count: 1) == [2])
        #expect(Self.picks(&balancer, MockServers(weights: [1, 1, 1], usable: [false, true, true]), count: 1) == [1])
    }

    @Test func sourceHashIsStableAndSpread() {
        var balancer = BalancerFactory.make(for: Self.plan(.source, weights: [1, 1, 1, 1]))
        let servers = MockServers(weights: [1, 1, 1, 1])
        var seen = Set<Int>()
        for last in 1...200 {
            let connection = Fixture.connection(source: "10.0.\(last / 100).\(last)", port: last)
            let first = balancer.pick(servers, request: nil, connection: connection)
            for port in [1, 2, 3] {
                let again = balancer.pick(servers, request: nil, connection: Fixture.connection(source: "10.0.\(last / 100).\(last)", port: port))
                #expect(again == first)
            }
            if let first { seen.insert(first) }
        }
        #expect(seen == [0, 1, 2, 3])
    }

    @Test func sourceHashHonoursWeights() {
        var balancer = BalancerFactory.make(for: Self.plan(.source, weights: [3, 1]))
        let servers = MockServers(weights: [3, 1])
        var counts = [0, 0]
        for a in 0..<40 {
            for b in 0..<100 {
                counts[balancer.pick(servers, request: nil, connection: Fixture.connection(source: "172.16.\(a).\(b)"))!] += 1
            }
        }
        let share = Double(counts[0]) / 4000
        #expect(share > 0.70 && share < 0.80, "\(counts)")
    }

    @Test func sourceHashMovesOnlyWhenTheSetChanges() {
        var balancer = BalancerFactory.make(for: Self.plan(.source, weights: [1, 1, 1]))
        var servers = MockServers(weights: [1, 1, 1])
        let clients = (0..<50).map { Fixture.connection(source: "192.0.2.\($0)") }
        let before = clients.map { balancer.pick(servers, request: nil, connection: $0) }
        servers.usable[1] = false
        let during = clients.map { balancer.pick(servers, request: nil, connection: $0) }
        #expect(!during.contains(1))
        servers.usable[1] = true
        let after = clients.map { balancer.pick(servers, request: nil, connection: $0) }
        #expect(after == before)
    }

    @Test func uriHashKeys() {
        let options = URIHashBalancer.Options.init
        #expect(URIHashBalancer.key("/a/b/c?x=1", options([])) == "/a/b/c")
        #expect(URIHashBalancer.key("/a/b/c?x=1", options(["whole"])) == "/a/b/c?x=1")
        #expect(URIHashBalancer.key("/a/b/c?x=1", options(["len", "4"])) == "/a/b")
        #expect(URIHashBalancer.key("/a/b/c?x=1", options(["depth", "2"])) == "/a/b")
        #expect(URIHashBalancer.key("/a/b/c?x=1", options(["depth", "2", "len", "3"])) == "/a/")
        #expect(URIHashBalancer.key("http://h.example/a?x", options([])) == "http://h.example/a")
        #expect(URIHashBalancer.key("http://h.example/a?x", options(["path-only"])) == "/a")
    }

    @Test func uriHashIsStableAndIgnoresQuery() {
        var balancer = BalancerFactory.make(for: Self.plan(.uri(arguments: []), weights: [1, 1, 1]))
        let servers = MockServers(weights: [1, 1, 1])
        var seen = Set<Int>()
        for page in 0..<60 {
            let first = balancer.pick(servers, request: Fixture.request("GET", "/page/\(page)?a=1"), connection: Fixture.connection)
            let second = balancer.pick(servers, request: Fixture.request("GET", "/page/\(page)?b=2"), connection: Fixture.connection)
            #expect(first == second)
            if let first { seen.insert(first) }
        }
        #expect(seen.count == 3)
    }

    @Test func urlParameterHashAndRoundRobinWhenAbsent() {
        var balancer = BalancerFactory.make(for: Self.plan(.urlParameter(name: "user", arguments: []), weights: [1, 1]))
        let servers = MockServers(weights: [1, 1])
        let pinned = Self.picks(&balancer, servers, count: 5, request: Fixture.request("GET", "/?user=alice&x=1"))
        #expect(Set(pinned).count == 1)
        let rotating = Self.picks(&balancer, servers, count: 4, request: Fixture.request("GET", "/?x=1"))
        #expect(Set(rotating).count == 2)
    }

    @Test func headerHashWithDomainOnly() {
        #expect(HeaderHashBalancer.domain("www.example.org:8080") == "example")
        #expect(HeaderHashBalancer.domain("example.org") == "example")
        #expect(HeaderHashBalancer.domain("localhost") == "localhost")
        var balancer = BalancerFactory.make(for: Self.plan(.header(name: "host", useDomainOnly: true), weights: [1, 1, 1, 1, 1]))
        let servers = MockServers(weights: [1, 1, 1, 1, 1])
        let a = balancer.pick(servers, request: Fixture.request("GET", "/", [("Host", "www.example.org")]), connection: Fixture.connection)
        let b = balancer.pick(servers, request: Fixture.request("GET", "/", [("Host", "api.example.com:443")]), connection: Fixture.connection)
        #expect(a == b)
        let rotating = Self.picks(&balancer, servers, count: 5, request: Fixture.request("GET", "/"))
        #expect(Set(rotating).count == 5)
    }

    @Test func randomPrefersTheLessLoadedDraw() {
        var balancer: any Balancer = RandomBalancer(pool: ServerPool(Self.plan(.random(draws: 2), weights: [1, 1])), draws: 2, seed: 42)
        let servers = MockServers(weights: [1, 1], connections: [100, 0])
        let picks = Self.picks(&balancer, servers, count: 1000).compactMap { $0 }
        // Server 0 wins only when both draws land on it: about a quarter of the time.
        let share = Double(picks.filter { $0 == 0 }.count) / 1000
        #expect(share > 0.18 && share < 0.32, "\(share)")
        var single: any Balancer = RandomBalancer(pool: ServerPool(Self.plan(.random(draws: 1), weights: [3, 1])), draws: 1, seed: 7)
        let weighted = Self.picks(&single, MockServers(weights: [3, 1]), count: 4000).compactMap { $0 }
        let heavy = Double(weighted.filter { $0 == 0 }.count) / 4000
        #expect(heavy > 0.72 && heavy < 0.78, "\(heavy)")
    }

    @Test(arguments: all)
    func weightZeroIsNeverPicked(_ algorithm: BalanceAlgorithm) {
        var balancer = BalancerFactory.make(for: Self.plan(algorithm, weights: [1, 0, 1]))
        let servers = MockServers(weights: [1, 0, 1])
        for index in 0..<300 {
            let pick = balancer.pick(servers, request: Fixture.request("GET", "/p/\(index)?id=\(index)", [("Host", "h\(index)")]),
                                     connection: Fixture.connection(source: "10.9.\(index % 200).\(index % 250)"))
            #expect(pick != nil && pick != 1)
        }
    }

    @Test(arguments: all)
    func backupsOnlyWhenEveryActiveIsDown(_ algorithm: BalanceAlgorithm) {
        var balancer = BalancerFactory.make(for: Self.plan(algorithm, weights: [1, 1, 1, 1], backups: [2, 3]))
        var servers = MockServers(weights: [1, 1, 1, 1])
        func many() -> Set<Int?> {
            Set((0..<40).map { index in
                balancer.pick(servers, request: Fixture.request("GET", "/p/\(index)?id=\(index)", [("Host", "h\(index)")]),
                              connection: Fixture.connection(source: "10.8.0.\(index)"))
            })
        }
        #expect(many().isSubset(of: [0, 1]))
        servers.usable[0] = false
        #expect(many() == [1])
        servers.usable[1] = false
        #expect(many() == [2], "only the first backup serves without allbackups")
        servers.usable[2] = false
        #expect(many() == [3])
        servers.usable[3] = false
        #expect(many() == [nil])
        servers.usable[1] = true
        #expect(many() == [1])
    }

    @Test func allBackupsShareTheLoad() {
        var balancer = BalancerFactory.make(for: Self.plan(.roundRobin, weights: [1, 1, 1], backups: [1, 2], allBackups: true))
        let servers = MockServers(weights: [1, 1, 1], usable: [false, true, true])
        #expect(Self.picks(&balancer, servers, count: 4) == [1, 2, 1, 2])
        var source = BalancerFactory.make(for: Self.plan(.source, weights: [1, 1, 1], backups: [1, 2], allBackups: true))
        let spread = Set((0..<100).map { source.pick(servers, request: nil, connection: Fixture.connection(source: "10.7.0.\($0)")) })
        #expect(spread == [1, 2])
    }

    @Test func emptyBackendPicksNothing() {
        var balancer = BalancerFactory.make(for: Self.plan(.roundRobin, weights: []))
        #expect(balancer.pick(MockServers(weights: []), request: nil, connection: Fixture.connection) == nil)
        var least = BalancerFactory.make(for: Self.plan(.leastConnections, weights: []))
        #expect(least.pick(MockServers(weights: []), request: nil, connection: Fixture.connection) == nil)
    }
}
