import LBConfig

/// The static facts about a backend's servers that every algorithm needs. Which of them may be picked is
/// `SelectionSnapshot.scope`'s rule: active servers that are up and have a weight; when none can take the
/// request, the backups (the first that can in declaration order, or all of them with `option allbackups`).
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
}
