/// `balance random[(draws)]`: draws `draws` servers at random in proportion to their weights and keeps
/// the one with the fewest active connections ("power of two choices" for the default of 2).
final class RandomBalancer: Balancer {
    let recipe: SnapshotRecipe
    let published: PublishedSnapshot
    let draws: Int
    private let generator: SharedSplitMix64

    init(pool: ServerPool, draws: Int, seed: UInt64? = nil) {
        recipe = SnapshotRecipe(pool: pool)
        published = PublishedSnapshot(recipe.initialSnapshot)
        self.draws = max(1, draws)
        var system = SystemRandomNumberGenerator()
        generator = SharedSplitMix64(seed: seed ?? system.next())
    }

    func pick(_ snapshot: SelectionSnapshot, _ live: some ServerAvailability, request: HTTPRequestHead?,
              connection: ConnectionInfo) -> Int? {
        guard let scope = snapshot.scope(live) else { return nil }
        let members = scope.members
        // Weights are read live; one changed between the two passes may leave a draw without a server,
        // and that draw is skipped.
        var total = 0
        for index in members where live.canTake(index) { total += live.weight(index) }
        guard total > 0 else { return nil }
        var best = -1
        for _ in 0..<draws {
            var target = Int(generator.next() % UInt64(total))
            var drawn = -1
            for index in members where live.canTake(index) {
                let weight = live.weight(index)
                if target < weight { drawn = index; break }
                target -= weight
            }
            if drawn >= 0 && (best < 0 || live.activeConnections(drawn) < live.activeConnections(best)) {
                best = drawn
            }
        }
        return best >= 0 ? best : nil
    }
}
