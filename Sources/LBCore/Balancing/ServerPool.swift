import LBConfig

/// The static facts about a backend's servers that every algorithm needs, and the rule that decides which
/// servers may be picked at all: active servers that are usable and have a weight; when none is, the
/// backups (the first usable one in declaration order, or all of them with `option allbackups`).
struct ServerPool: Sendable {
    var backupFlags: [Bool]
    var configuredWeights: [Int]
    var maxConnections: [Int?]
    var allBackups: Bool

    init(_ backend: BackendPlan) {
        backupFlags = backend.servers.map(\.backup)
        configuredWeights = backend.servers.map(\.weight)
        maxConnections = backend.servers.map(\.maxConnections)
        allBackups = backend.allBackups
    }

    init(backupFlags: [Bool], configuredWeights: [Int], maxConnections: [Int?], allBackups: Bool) {
        self.backupFlags = backupFlags
        self.configuredWeights = configuredWeights
        self.maxConnections = maxConnections
        self.allBackups = allBackups
    }

    /// Servers added at runtime (beyond the plan) count as active.
    func isBackup(_ index: Int) -> Bool { index < backupFlags.count ? backupFlags[index] : false }

    /// Which tier is serving now.
    struct Eligibility {
        var backups: Bool
        /// With backups and no `allbackups`: the only backup that serves.
        var single: Int?
    }

    /// The serving tier, or nil when no server can be picked. `weight` is the weight the algorithm uses.
    func eligibility(_ availability: some ServerAvailability, weight: (Int) -> Int) -> Eligibility? {
        var firstBackup: Int?
        for index in 0..<availability.count where availability.isUsable(index) && weight(index) > 0 {
            if !isBackup(index) { return Eligibility(backups: false, single: nil) }
            if firstBackup == nil { firstBackup = index }
        }
        guard let firstBackup else { return nil }
        return allBackups ? Eligibility(backups: true, single: nil) : Eligibility(backups: true, single: firstBackup)
    }

    @inline(__always)
    func isEligible(_ index: Int, _ eligibility: Eligibility, _ availability: some ServerAvailability, weight: Int) -> Bool {
        if let single = eligibility.single { return index == single }
        return weight > 0 && isBackup(index) == eligibility.backups && availability.isUsable(index)
    }
}
