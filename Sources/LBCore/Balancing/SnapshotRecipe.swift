/// What one algorithm needs in its snapshots: the weights it balances on and the tables it reads.
public struct SnapshotRecipe: Sendable {
    enum Weights: Sendable {
        /// The runtime weights (`set weight` takes effect at once).
        case runtime
        /// The configured weights; a runtime weight only switches a server off (0) or back on (static-rr).
        case configured
    }

    let pool: ServerPool
    var weights: Weights = .runtime
    /// Build a smooth rotation per tier.
    var rotates = false
    /// Build a hash table or ring per tier.
    var placement: HashType.Method?
    let pointsPerWeight: Int

    init(pool: ServerPool, weights: Weights = .runtime, rotates: Bool = false, placement: HashType.Method? = nil) {
        self.pool = pool
        self.weights = weights
        self.rotates = rotates
        self.placement = placement
        pointsPerWeight = ConsistentHashRing.pointsPerWeight(configuredWeights: pool.configuredWeights)
    }

    /// The weight of each server as this algorithm counts it.
    func weights(_ states: ServerStates) -> [Int] {
        switch weights {
        case .runtime:
            return states.weights
        case .configured:
            let configured = pool.configuredWeights
            return states.weights.enumerated().map { index, runtime in
                guard runtime > 0 else { return 0 }
                return index < configured.count ? configured[index] : runtime
            }
        }
    }

    /// The snapshot of the configured state: every server up at its configured weight.
    var initialSnapshot: SelectionSnapshot {
        let states = ServerStates(up: pool.configuredWeights.map { _ in true }, weights: pool.configuredWeights)
        return SelectionSnapshot(self, states: states, previous: nil)
    }
}
