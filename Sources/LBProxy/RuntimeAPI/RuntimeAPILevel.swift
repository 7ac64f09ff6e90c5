import LBConfig

/// What a runtime-API socket lets its clients do (`stats socket ... level`): `user` may only look,
/// `operator` may also clear counters, `admin` may change servers.
enum RuntimeAPILevel: Int, Comparable, Sendable {
    case user = 0
    case `operator` = 1
    case admin = 2

    init(_ level: StatsSocket.Level) {
        switch level {
        case .user: self = .user
        case .operator: self = .operator
        case .admin: self = .admin
        }
    }

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
