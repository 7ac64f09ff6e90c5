/// Everything a pick needs that changes only when a server's state or weight does: which servers serve
/// in each tier, and the tables the algorithm reads (a round-robin rotation, a hash map or ring). Built
/// once per change and never modified, so any number of event loops read it at once without a lock; the
/// facts that change with every request (free connection slots, a server left out for a redispatch)
/// are read live at the pick.
public final class SelectionSnapshot: Sendable {
    /// The states the snapshot was built from.
    public let states: ServerStates
    let active: ServerTier
    let backups: ServerTier
    let allBackups: Bool

    init(_ recipe: SnapshotRecipe, states: ServerStates, previous: SelectionSnapshot?) {
        self.states = states
        let weights = recipe.weights(states)
        active = Self.tier(backups: false, recipe, states, weights, previous?.active)
        backups = Self.tier(backups: true, recipe, states, weights, previous?.backups)
        allBackups = recipe.pool.allBackups
    }

    private static func tier(backups: Bool, _ recipe: SnapshotRecipe, _ states: ServerStates, _ weights: [Int],
                             _ previous: ServerTier?) -> ServerTier {
        let pool = recipe.pool
        let members = (0..<states.count).filter { pool.isBackup($0) == backups && states.up[$0] && weights[$0] > 0 }
        let memberWeights = members.map { weights[$0] }
        let rotation = recipe.rotates ? SmoothRotation(members: members, weights: memberWeights).order : []
        var placement: HashPlacement?
        switch recipe.placement {
        case nil:
            placement = nil
        case .mapBased:
            placement = .map(WeightedMap(members: members, weights: memberWeights))
        case .consistent:
            // The ring holds the tier's servers whatever their health; a health change keeps it.
            let ringWeights = (0..<states.count).map { pool.isBackup($0) == backups ? max(0, weights[$0]) : 0 }
            if let ring = previous?.placement?.ring, ring.builtFrom == ringWeights {
                placement = .ring(ring)
            } else {
                placement = .ring(ConsistentHashRing(weights: ringWeights, pointsPerWeight: recipe.pointsPerWeight))
            }
        }
        return ServerTier(members: members, rotation: rotation, placement: placement)
    }

    /// Which servers may serve this pick: the active tier while one of its servers can take a request
    /// now; otherwise the backups, all of them with `option allbackups`, else only the first that can.
    /// nil when no server can. (Plain loops rather than closures: this runs at every pick, unspecialized
    /// when the balancer is called through `any Balancer`.)
    func scope(_ live: some ServerAvailability) -> PickScope? {
        for index in active.members where live.canTake(index) { return .tier(active) }
        for index in backups.members where live.canTake(index) { return allBackups ? .tier(backups) : .single(index) }
        return nil
    }
}

/// The servers one pick chooses among.
enum PickScope {
    case tier(ServerTier)
    /// Backups without `allbackups`: the first backup that can take the request, and only it.
    case single(Int)

    /// The candidates in declaration order.
    var members: [Int] {
        switch self {
        case .tier(let tier): return tier.members
        case .single(let index): return [index]
        }
    }
}
