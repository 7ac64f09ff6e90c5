import Synchronization

/// `balance leastconn`: the eligible server with the fewest active connections relative to its weight
/// (connections/weight, so equal weights mean plain fewest connections); among equals, the scan starts
/// after the previous pick, which rotates ties round-robin. The connection counts are the servers' own
/// atomics, read live; the previous pick is an atomic too, so two loops picking at once may start from
/// the same place and both take the same tie, which the next picks' counts then correct.
final class LeastConnectionsBalancer: Balancer {
    let recipe: SnapshotRecipe
    let published: PublishedSnapshot
    private let last = Atomic<Int>(-1)

    init(pool: ServerPool) {
        recipe = SnapshotRecipe(pool: pool)
        published = PublishedSnapshot(recipe.initialSnapshot)
    }

    func pick(_ snapshot: SelectionSnapshot, _ live: some ServerAvailability, request: HTTPRequestHead?,
              connection: ConnectionInfo) -> Int? {
        guard let scope = snapshot.scope(live.canTake) else { return nil }
        let members = scope.members
        // Members are in index order: start at the first one after the previous pick, wrapping.
        let previous = last.load(ordering: .relaxed)
        let start = members.firstIndex { $0 > previous } ?? 0
        var best = -1
        var bestConnections = 0, bestWeight = 1
        for step in 0..<members.count {
            let index = members[(start + step) % members.count]
            guard live.canTake(index) else { continue }
            let weight = live.weight(index)
            let connections = live.activeConnections(index)
            // connections/weight < bestConnections/bestWeight, without division.
            if best < 0 || connections * bestWeight < bestConnections * weight {
                best = index
                bestConnections = connections
                bestWeight = weight
            }
        }
        guard best >= 0 else { return nil }
        last.store(best, ordering: .relaxed)
        return best
    }
}
