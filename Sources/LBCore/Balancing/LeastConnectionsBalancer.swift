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
        // The active tier serves whenever one of its servers can take the request, which the scan
        // itself finds out; only when none can is the backup tier looked for.
        var best = leastLoaded(snapshot.active.members, live)
        if best == nil, let scope = snapshot.scope(live) { best = leastLoaded(scope.members, live) }
        guard let best else { return nil }
        last.store(best, ordering: .relaxed)
        return best
    }

    /// The member with the fewest connections per unit of weight, scanning from the first member after
    /// the previous pick (members are in index order), wrapping; nil when none can take the request.
    private func leastLoaded(_ members: [Int], _ live: some ServerAvailability) -> Int? {
        guard !members.isEmpty else { return nil }
        let previous = last.load(ordering: .relaxed)
        var position = members.firstIndex { $0 > previous } ?? 0
        var best = -1
        var bestConnections = 0, bestWeight = 1
        let count = live.count
        for _ in 0..<members.count {
            let index = members[position]
            position = position + 1 == members.count ? 0 : position + 1
            // `canTake` spelled out, reading the weight once: this loop is the whole cost of a pick.
            let weight = index < count ? live.weight(index) : 0
            guard weight > 0, live.isUsable(index) else { continue }
            let connections = live.activeConnections(index)
            // connections/weight < bestConnections/bestWeight, without division.
            if best < 0 || connections * bestWeight < bestConnections * weight {
                best = index
                bestConnections = connections
                bestWeight = weight
            }
        }
        return best >= 0 ? best : nil
    }
}
