import LBLog

/// The servers' state changes a log records (from its event lines): every change counted per server and
/// state, and the first `kept` listed in log order with where each line is.
public struct ServerStateChanges: Codable, Sendable, Equatable {
    /// How many changes are listed; the counts include all of them.
    public static let kept = 100

    public struct Change: Codable, Sendable, Equatable {
        public var file: String
        public var line: Int
        public var time: String
        public var server: String
        public var state: String
        public var reason: String
    }

    public struct ServerCounts: Codable, Sendable, Equatable {
        public var server: String
        public var down: Int
        public var up: Int
        public var maintenance: Int
        public var drain: Int
    }

    public var count: Int
    /// Per server, the most often down first.
    public var servers: [ServerCounts]
    public var changes: [Change]

    public init(count: Int = 0, servers: [ServerCounts] = [], changes: [Change] = []) {
        self.count = count
        self.servers = servers
        self.changes = changes
    }

    init(counts: [String: [String: Int]], changes: [Change]) {
        servers = counts.map { server, states in
            ServerCounts(server: server, down: states["DOWN"] ?? 0, up: states["UP"] ?? 0,
                         maintenance: states["MAINT"] ?? 0, drain: states["DRAIN"] ?? 0)
        }.sorted { $0.down != $1.down ? $0.down > $1.down : $0.server < $1.server }
        count = counts.values.reduce(0) { $0 + $1.values.reduce(0, +) }
        self.changes = changes
    }
}
