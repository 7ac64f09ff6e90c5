import Dispatch
import Foundation
import LBConfig
@testable import LBCore
import Synchronization
import Testing

/// The cost of one server pick, as the data plane makes it, against the locked picking it replaced: a
/// `Mutex<any Balancer>` around a balancer that kept its smooth round-robin credits (or leastconn's last
/// pick) and recomputed the serving tier from the live states at every pick. The old algorithms are kept here,
/// and only here, for the comparison. Servers are read through atomics as `ServerRuntime` holds them.
/// Runs only when `LB_BENCH` is set (see `bench/pick.sh`, which builds in release); it prints figures
/// and asserts only that both ways spread the picks alike.
struct PickBenchmark {
    static let enabled = ProcessInfo.processInfo.environment["LB_BENCH"] != nil
    static let picksPerThread = Int(ProcessInfo.processInfo.environment["LB_BENCH_PICKS"] ?? "") ?? 2_000_000
    static let rounds = Int(ProcessInfo.processInfo.environment["LB_BENCH_ROUNDS"] ?? "") ?? 7
    static let threadCounts = ProcessInfo.processInfo.environment["LB_BENCH_THREADS"].map { [Int($0) ?? 1] } ?? [1, 2]
    static let algorithms = ProcessInfo.processInfo.environment["LB_BENCH_ALGORITHMS"]?.split(separator: ",").map(String.init)
        ?? ["roundrobin", "leastconn"]

    /// One server's live state, as `ServerRuntime` keeps it.
    final class Server: Sendable {
        let healthy = Atomic<Bool>(true)
        let weight: Atomic<Int>
        let active = Atomic<Int>(0)
        init(weight: Int) { self.weight = Atomic(weight) }
    }

    struct Live: ServerAvailability {
        let servers: [Server]
        var count: Int { servers.count }
        func isUsable(_ index: Int) -> Bool { servers[index].healthy.load(ordering: .relaxed) }
        func weight(_ index: Int) -> Int { servers[index].weight.load(ordering: .relaxed) }
        func activeConnections(_ index: Int) -> Int { servers[index].active.load(ordering: .relaxed) }
    }

    /// The previous `Balancer` protocol, called as the proxy called it: through an existential, inside
    /// the backend's `Mutex<any Balancer>`.
    protocol LockedBalancer: Sendable {
        mutating func pick(_ live: some ServerAvailability) -> Int?
    }

    /// The previous serving-tier rule, recomputed from the live states at every pick.
    static func tier(_ live: some ServerAvailability, backups: [Bool]) -> Bool? {
        var backup = false
        for index in 0..<live.count where live.isUsable(index) && live.weight(index) > 0 {
            if !backups[index] { return false }
            backup = true
        }
        return backup ? true : nil
    }

    /// The previous roundrobin (`SmoothWeightedCycle`), verbatim but for names.
    struct LockedRoundRobin: LockedBalancer {
        let backups: [Bool]
        var credit: [Int] = []

        mutating func pick(_ live: some ServerAvailability) -> Int? {
            guard let tier = PickBenchmark.tier(live, backups: backups) else { return nil }
            if credit.count != live.count { credit = Array(repeating: 0, count: live.count) }
            var total = 0, best = -1
            for index in 0..<live.count {
                let weight = live.weight(index)
                guard weight > 0, backups[index] == tier, live.isUsable(index) else { credit[index] = 0; continue }
                credit[index] += weight
                total += weight
                if best < 0 || credit[index] > credit[best] { best = index }
            }
            guard best >= 0 else { return nil }
            credit[best] -= total
            return best
        }
    }

    /// The previous leastconn, verbatim but for names.
    struct LockedLeastConnections: LockedBalancer {
        let backups: [Bool]
        var last = -1

        mutating func pick(_ live: some ServerAvailability) -> Int? {
            guard let tier = PickBenchmark.tier(live, backups: backups) else { return nil }
            var best = -1, bestConnections = 0, bestWeight = 1
            for step in 1...max(live.count, 1) {
                let index = (last + step) % live.count
                let weight = live.weight(index)
                guard weight > 0, backups[index] == tier, live.isUsable(index) else { continue }
                let connections = live.activeConnections(index)
                if best < 0 || connections * bestWeight < bestConnections * weight {
                    best = index; bestConnections = connections; bestWeight = weight
                }
            }
            guard best >= 0 else { return nil }
            last = best
            return best
        }
    }

    /// Picks counted per server, over every thread.
    final class Tally: Sendable {
        let counts = Mutex(Array(repeating: 0, count: 4))
        func add(_ mine: [Int]) { counts.withLock { total in for index in total.indices { total[index] += mine[index] } } }
        var total: [Int] { counts.withLock { $0 } }
    }

    /// The baseline's shared state, as `BackendRuntime` held it.
    final class Locked: Sendable {
        let balancer: Mutex<any LockedBalancer>
        init(_ balancer: any LockedBalancer) { self.balancer = Mutex(balancer) }
    }

    /// What an event loop holds: the snapshot it fetched and its version (`SelectionCache`).
    final class LoopSnapshot {
        @exclusivity(unchecked) var version: UInt64
        @exclusivity(unchecked) var snapshot: SelectionSnapshot
        let published: PublishedSnapshot
        init(_ published: PublishedSnapshot) {
            self.published = published
            (snapshot, version) = published.current()
        }
        func current() -> SelectionSnapshot {
            if published.version != version { (snapshot, version) = published.current() }
            return snapshot
        }
    }

    /// One pick each way, out of line so that `bench/pick.sh` can count their instructions with callgrind.
    @inline(never)
    static func lockedPick(_ locked: Locked, _ live: Live) -> Int {
        locked.balancer.withLock { $0.pick(live)! }
    }

    @inline(never)
    static func snapshotPick(_ balancer: any Balancer, _ loop: LoopSnapshot, _ live: Live) -> Int {
        balancer.pick(loop.current(), live, request: nil, connection: Fixture.connection)!
    }

    /// Nanoseconds per pick, each thread making `picksPerThread` picks; picks counted per server.
    static func run(threads: Int, tally: Tally, _ makePicker: @escaping @Sendable () -> (() -> Int)) -> Double {
        let start = ContinuousClock.now
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            let pick = makePicker()
            var mine = Array(repeating: 0, count: 4)
            for _ in 0..<picksPerThread { mine[pick()] += 1 }
            tally.add(mine)
        }
        let elapsed = ContinuousClock.now - start
        let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        return nanoseconds / Double(picksPerThread)
    }

    @Test(.enabled(if: enabled)) func lockedAgainstSnapshot() {
        for algorithm in Self.algorithms { Self.compare(algorithm) }
    }

    static func compare(_ algorithm: String) {
        let weights = [3, 2, 1, 1]
        let live = Live(servers: weights.map { Server(weight: $0) })
        let plan = BalancerTests.plan(algorithm == "roundrobin" ? .roundRobin : .leastConnections, weights: weights)
        let balancer = BalancerFactory.make(for: plan)
        balancer.publish { ServerStates(live) }
        let backups = weights.map { _ in false }
        let roundRobin = algorithm == "roundrobin"
        let locked = Locked(roundRobin ? LockedRoundRobin(backups: backups) : LockedLeastConnections(backups: backups))
        for threads in threadCounts {
            var lockTimes: [Double] = [], freeTimes: [Double] = []
            let lockTally = Tally(), snapshotTally = Tally()
            // Alternating rounds, so that drift on a shared machine hits both alike.
            for _ in 0..<Self.rounds {
                lockTimes.append(Self.run(threads: threads, tally: lockTally) {
                    { Self.lockedPick(locked, live) }
                })
                freeTimes.append(Self.run(threads: threads, tally: snapshotTally) {
                    let loop = LoopSnapshot(balancer.published)
                    return { Self.snapshotPick(balancer, loop, live) }
                })
            }
            if roundRobin {
                // Whole periods on both sides: exactly the weights' shares, whatever the interleaving.
                #expect(lockTally.total == snapshotTally.total)
            }
            lockTimes.sort()
            freeTimes.sort()
            let lockNs = lockTimes[Self.rounds / 2], snapshotNs = freeTimes[Self.rounds / 2]
            let figures = String(format: "lock %.1f ns, snapshot %.1f ns, lock / snapshot %.2f", lockNs, snapshotNs, lockNs / snapshotNs)
            print("pick: \(algorithm), \(threads) thread\(threads == 1 ? "" : "s"): \(figures)")
        }
    }
}
