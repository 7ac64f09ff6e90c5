/// `balance first`: the lowest-numbered eligible server that still has a free connection slot
/// (`maxconn`); a server without maxconn always has one. Weights only matter as 0 = never.
final class FirstAvailableBalancer: Balancer {
    let recipe: SnapshotRecipe
    let published: PublishedSnapshot

    init(pool: ServerPool) {
        recipe = SnapshotRecipe(pool: pool)
        published = PublishedSnapshot(recipe.initialSnapshot)
    }

    func pick(_ snapshot: SelectionSnapshot, _ live: some ServerAvailability, request: HTTPRequestHead?,
              connection: ConnectionInfo) -> Int? {
        guard let scope = snapshot.scope(live) else { return nil }
        let limits = recipe.pool.maxConnections
        for index in scope.members where live.canTake(index) {
            let limit = index < limits.count ? limits[index] : nil
            if let limit, live.activeConnections(index) >= limit { continue }
            return index
        }
        return nil
    }
}
