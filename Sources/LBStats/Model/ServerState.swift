/// A server's operational state as HAProxy's exporter names it (`haproxy_server_status{state=...}`).
public enum ServerState: String, Sendable, CaseIterable {
    case down = "DOWN"
    case up = "UP"
    case maint = "MAINT"
    case drain = "DRAIN"
    case nolb = "NOLB"
}

/// What an administrator set on a server (stats page admin actions).
public enum AdminState: Int, Sendable {
    case ready = 0
    case drain = 1
    case maint = 2
}

/// Everything that decides how a server is shown.
public struct ServerStatusInput: Sendable, Equatable {
    public var admin: AdminState
    /// Disabled in the configuration (`disabled`).
    public var configuredDisabled: Bool
    public var checked: Bool
    public var healthy: Bool
    public var backup: Bool
    /// Between the stable states of the rise/fall counter: `UP x/y` going down, `DOWN x/y` going up.
    public var progress: HealthProgress?
    /// The server has an agent check, and its agent last said it is down: HAProxy then marks DRAIN and
    /// DOWN with `(agent)`.
    public var agentChecked = false
    public var agentDown = false

    public init(admin: AdminState, configuredDisabled: Bool, checked: Bool, healthy: Bool, backup: Bool,
                progress: HealthProgress? = nil) {
        self.admin = admin
        self.configuredDisabled = configuredDisabled
        self.checked = checked
        self.healthy = healthy
        self.backup = backup
        self.progress = progress
    }

    public var state: ServerState {
        if admin == .maint || configuredDisabled { return .maint }
        // Unchecked servers are healthy unless an operator forced them down (`set server ... health down`).
        if !healthy { return .down }
        if admin == .drain { return .drain }
        return .up
    }

    /// The status text of the page and the CSV: `UP`, `DOWN`, `MAINT`, `DRAIN`, `no check`.
    public var text: String {
        switch state {
        case .up:
            if !checked { return "no check" }
            if case .goingDown(let x, let y) = progress { return "UP \(x)/\(y)" }
            return "UP"
        case .down:
            if agentChecked && agentDown { return "DOWN (agent)" }
            if case .goingUp(let x, let y) = progress { return "DOWN \(x)/\(y)" }
            return "DOWN"
        case .drain:
            return agentChecked ? "DRAIN (agent)" : "DRAIN"
        default: return state.rawValue
        }
    }

    /// The CSS class of the row, after HAProxy's legend.
    public var cssClass: String {
        switch state {
        case .maint: return "maintain"
        case .down: if case .goingUp = progress { return "going_up" } else { return "down" }
        case .drain, .nolb: return "draining"
        case .up:
            if !checked { return "nocheck" }
            if case .goingDown = progress { return "going_down" }
            return backup ? "backup_up" : "active_up"
        }
    }
}

/// A checked server between its stable states.
public enum HealthProgress: Sendable, Equatable {
    /// UP but failing: `x` of `y` (fall) failures.
    case goingDown(Int, Int)
    /// DOWN but passing: `x` of `y` (rise) passes.
    case goingUp(Int, Int)

    /// From HAProxy's rise/fall counter (0 … rise+fall−1, UP from `rise`); nil in a stable state.
    public static func from(health: Int, rise: Int, fall: Int, healthy: Bool) -> HealthProgress? {
        let top = rise + fall - 1
        if healthy, health >= rise, health < top { return .goingDown(health - rise + 1, fall) }
        if !healthy, health > 0, health < rise { return .goingUp(health, rise) }
        return nil
    }
}
