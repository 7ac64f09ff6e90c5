import Atomics

/// What an operator set on a server through the runtime API or the stats page, apart from health:
/// READY, DRAIN (no new load-balanced traffic, still checked) or MAINT (no traffic, no checks), whether
/// health checks run, and when the state last changed.
final class ServerAdminState: Sendable {
    enum Mode: Int, Sendable {
        case ready = 0
        case drain = 1
        case maintenance = 2
    }

    private let storedMode: ManagedAtomic<Int>
    /// Health checks run (false after `disable health`).
    let checksEnabled = ManagedAtomic<Bool>(true)
    /// The health-check counter (0 … rise+fall−1), published by the checker for `show servers state`.
    let checkHealth = ManagedAtomic<Int>(0)
    /// Monotonic nanoseconds of the last change of operational or admin state (for `lastchg`).
    let lastChange = ManagedAtomic<UInt64>(0)

    init(disabled: Bool) {
        storedMode = ManagedAtomic(disabled ? Mode.maintenance.rawValue : Mode.ready.rawValue)
    }

    var mode: Mode { Mode(rawValue: storedMode.load(ordering: .relaxed)) ?? .ready }

    /// Sets the mode; returns false when it was already so.
    @discardableResult
    func set(_ mode: Mode, now: UInt64) -> Bool {
        let previous = storedMode.exchange(mode.rawValue, ordering: .relaxed)
        if previous != mode.rawValue { lastChange.store(now, ordering: .relaxed) }
        return previous != mode.rawValue
    }
}
