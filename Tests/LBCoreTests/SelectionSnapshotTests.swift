import Dispatch
import LBConfig
import Synchronization
import Testing
@testable import LBCore

/// The data plane's way of picking: it publishes a snapshot when a server's state or weight changes and
/// picks from the snapshot it holds, reading only per-request facts (maxconn, a left-out server) live.
struct SelectionSnapshotTests {
    static func balancer(_ balance: BalanceAlgorithm, weights: [Int], backups: Set<Int> = []) -> any Balancer {
        BalancerFactory.make(for: BalancerTests.plan(balance, weights: weights, backups: backups))
    }

    static func picks(_ balancer: any Balancer, _ live: MockServers, count: Int,
                      request: HTTPRequestHead? = nil, connection: ConnectionInfo = Fixture.connection) -> [Int?] {
        let snapshot = balancer.published.current().snapshot
        return (0..<count).map { _ in balancer.pick(snapshot, live, request: request, connection: connection) }
    }

    @Test func rotationIsOnePeriodOfSmoothRoundRobin() {
        #expect(SmoothRotation(members: [0, 1, 2], weights: [5, 1, 1]).order == [0, 0, 1, 0, 2, 0, 0])
        #expect(BalancerFactory.make(for: BalancerTests.plan(.roundRobin, weights: [3, 1])).published.current().snapshot.active.rotation == [0, 0, 1, 0])
        // Weights with a common divisor give the rotation of the reduced weights.
        #expect(SmoothRotation(members: [1, 3], weights: [200, 100]).order == [1, 3, 1])
        #expect(SmoothRotation(members: [], weights: []).order.isEmpty)
    }

    @Test func weightChangePublishesANewRotation() {
        let balancer = Self.balancer(.roundRobin, weights: [1, 1])
        let live = MockServers(weights: [3, 1])
        let before = balancer.published.version
        #expect(Self.picks(balancer, live, count: 4) == [0, 1, 0, 1], "the snapshot still has the old weights")
        balancer.publish { ServerStates(up: [true, true], weights: [3, 1]) }
        #expect(balancer.published.version == before + 1)
        #expect(balancer.published.current().snapshot.states.weights == [3, 1])
        // The cursor carries on from turn 4, which is the start of the new period of 4.
        #expect(Self.picks(balancer, live, count: 8) == [0, 0, 1, 0, 0, 0, 1, 0])
    }

    @Test func serverDownLeavesEveryAlgorithm() {
        for algorithm in BalancerTests.all {
            let balancer = Self.balancer(algorithm, weights: [1, 1, 1])
            balancer.publish { ServerStates(up: [true, false, true], weights: [1, 1, 1]) }
            // Live, server 1 would still be usable: the snapshot alone keeps it out.
            let live = MockServers(weights: [1, 1, 1])
            let snapshot = balancer.published.current().snapshot
            for index in 0..<60 {
                let pick = balancer.pick(snapshot, live, request: Fixture.request("GET", "/p/\(index)?id=\(index)", [("Host", "h\(index)")]),
                                         connection: Fixture.connection(source: "10.5.0.\(index)"))
                #expect(pick != nil && pick != 1, "\(algorithm)")
            }
        }
    }

    @Test func liveStateOverridesAStaleSnapshot() {
        // Between a health change and its snapshot, the live check already keeps the server out.
        let balancer = Self.balancer(.roundRobin, weights: [1, 1, 1])
        let live = MockServers(weights: [1, 1, 1], usable: [true, false, true])
        #expect(Self.picks(balancer, live, count: 4) == [0, 2, 0, 2], "turns that land on server 1 pass to the next")
    }

    @Test func backupsServeWhenTheSnapshotHasNoActive() {
        let balancer = Self.balancer(.roundRobin, weights: [1, 1, 1], backups: [2])
        balancer.publish { ServerStates(up: [false, false, true], weights: [1, 1, 1]) }
        #expect(Self.picks(balancer, MockServers(weights: [1, 1, 1]), count: 3) == [2, 2, 2])
        balancer.publish { ServerStates(up: [true, false, true], weights: [1, 1, 1]) }
        #expect(Self.picks(balancer, MockServers(weights: [1, 1, 1]), count: 3) == [0, 0, 0])
    }

    @Test func consistentRingSurvivesAHealthChange() throws {
        var plan = BalancerTests.plan(.source, weights: [1, 1, 1])
        plan.hashType = HashType(words: ["consistent"])
        let balancer = BalancerFactory.make(for: plan)
        let ring = try #require(balancer.published.current().snapshot.active.placement?.ring)
        balancer.publish { ServerStates(up: [true, false, true], weights: [1, 1, 1]) }
        let afterDown = try #require(balancer.published.current().snapshot.active.placement?.ring)
        #expect(afterDown.builtFrom == ring.builtFrom)
        balancer.publish { ServerStates(up: [true, false, true], weights: [1, 2, 1]) }
        let afterWeight = try #require(balancer.published.current().snapshot.active.placement?.ring)
        #expect(afterWeight.builtFrom == [1, 2, 1])
    }

    /// Eight threads pick at once from one shared rotation: the atomic cursor hands out every turn exactly
    /// once, so whole periods give each server exactly its weight's share, no more, no less.
    @Test(arguments: [[1, 1, 1, 1], [3, 1], [5, 1, 1]])
    func concurrentPicksShareTheRotationExactly(_ weights: [Int]) {
        let balancer = Self.balancer(.roundRobin, weights: weights)
        let live = MockServers(weights: weights)
        let snapshot = balancer.published.current().snapshot
        let threads = 8
        let periods = 2_000
        let perThread = periods * weights.reduce(0, +)
        let counts = Mutex(Array(repeating: 0, count: weights.count))
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            var mine = Array(repeating: 0, count: weights.count)
            for _ in 0..<perThread {
                mine[balancer.pick(snapshot, live, request: nil, connection: Fixture.connection)!] += 1
            }
            counts.withLock { total in for index in total.indices { total[index] += mine[index] } }
        }
        #expect(counts.withLock { $0 } == weights.map { $0 * periods * threads })
    }
}
