import LBConfig

/// One stick table of the configuration, whatever section declares it: frontends keep counters in
/// theirs, backends also persistence. Tables are numbered in configuration order; tracking rules and
/// counter fetches refer to them by that number.
public struct StickTablePlan: Sendable {
    /// The declaring section's name, which is the table's name.
    public var name: String
    public var declaration: StickTableDeclaration
    /// The backend index when a backend (or listen) section declares it: its persistence uses the same
    /// table.
    public var backend: Int?
}
