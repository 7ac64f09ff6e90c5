/// `balance static-rr`: weighted round-robin on the configured weights; a runtime weight only switches a
/// server off (0) or back on at its configured weight.
final class StaticRoundRobinBalancer: Balancer {
    let recipe: SnapshotRecipe
    let published: PublishedSnapshot
    private let cursor = RotationCursor()

    init(pool: ServerPool) {
        recipe = SnapshotRecipe(pool: pool, weights: .configured, rotates: true)
        published = PublishedSnapshot(recipe.initialSnapshot)
    }

    func pick(_ snapshot: SelectionSnapshot, _ live: some ServerAvailability, request: HTTPRequestHead?,
              connection: ConnectionInfo) -> Int? {
        cursor.next(snapshot, live)
    }
}
