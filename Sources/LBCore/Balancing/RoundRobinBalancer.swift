/// `balance roundrobin`: smooth weighted round-robin on the current (runtime) weights.
final class RoundRobinBalancer: Balancer {
    let recipe: SnapshotRecipe
    let published: PublishedSnapshot
    private let cursor = RotationCursor()

    init(pool: ServerPool) {
        recipe = SnapshotRecipe(pool: pool, rotates: true)
        published = PublishedSnapshot(recipe.initialSnapshot)
    }

    func pick(_ snapshot: SelectionSnapshot, _ live: some ServerAvailability, request: HTTPRequestHead?,
              connection: ConnectionInfo) -> Int? {
        cursor.next(snapshot, live)
    }
}
