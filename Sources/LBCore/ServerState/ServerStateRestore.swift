/// What a saved state line changes on a server at start, decided as HAProxy decides it: the
/// configuration wins where it changed since the file was written, the file wins where it did not.
public struct ServerStateRestore: Sendable, Hashable {
    public enum Admin: Sendable, Hashable { case ready, drain, maintenance }

    /// The server as the current configuration declares it.
    public struct Configured: Sendable, Hashable {
        public var disabled: Bool
        public var weight: Int
        public var checked: Bool
        public var rise: Int
        public var fall: Int

        public init(disabled: Bool, weight: Int, checked: Bool, rise: Int, fall: Int) {
            self.disabled = disabled
            self.weight = weight
            self.checked = checked
            self.rise = rise
            self.fall = fall
        }
    }

    public var admin: Admin
    /// The check counter to start from (`HealthState.health`), nil to keep the default; only for
    /// checked servers, whose health is what checks decided. An unchecked server is always up.
    public var checkHealth: Int?
    /// The runtime weight, nil to keep the configured one.
    public var weight: Int?
    /// False when checks were disabled at run time (`disable health`); nil leaves them as configured.
    public var checksEnabled: Bool?

    /// Whether the restored check counter puts the server up; nil when `checkHealth` is nil.
    public var isUp: Bool?

    public init(_ line: ServerStateLine, configured: Configured) {
        typealias Bits = ServerStateFile.Admin
        let savedConfigMaintenance = line.adminState & Bits.configuredMaintenance != 0
        let savedForcedMaintenance = line.adminState & Bits.forcedMaintenance != 0
        // `disabled` added or removed since the file was written: the configuration decides. Otherwise
        // the saved state does, even for a `disabled` server an operator enabled.
        let maintenance = savedConfigMaintenance != configured.disabled ? configured.disabled : savedForcedMaintenance
        if maintenance {
            admin = .maintenance
        } else if line.adminState & Bits.forcedDrain != 0, line.initialWeight > 0 || configured.weight == 0 {
            // A drain that only came from a configured weight of 0 ends when the configuration gives the
            // server a weight again; a drain forced by an operator stays.
            admin = .drain
        } else {
            admin = .ready
        }
        // A runtime weight survives unless the configured weight changed.
        weight = line.initialWeight == configured.weight ? line.userWeight : nil

        guard configured.checked else { return }
        let rise = max(1, configured.rise), top = rise + max(1, configured.fall) - 1
        typealias Op = ServerStateFile.Operational
        switch line.operationalState {
        case Op.stopped: checkHealth = 0
        case Op.starting: checkHealth = rise == 1 ? top : min(max(line.checkHealth, 1), rise - 1)
        case Op.stopping: checkHealth = rise
        case Op.running: checkHealth = top
        default: checkHealth = nil
        }
        isUp = checkHealth.map { $0 >= rise }
        typealias Check = ServerStateFile.Check
        if line.checkState & Check.configured != 0, line.checkState & Check.enabled == 0 { checksEnabled = false }
    }
}
