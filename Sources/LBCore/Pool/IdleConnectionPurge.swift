/// How many idle server connections to close, following HAProxy's purge (`pool-purge-delay`): once per
/// period, half of the connections beyond what recent traffic needed are closed, so an idle pool shrinks
/// gradually after a burst instead of all at once, and a pool that traffic keeps using is left alone.
///
/// It tracks one server's connections on one event loop: how many serve a request now (`used`), how many
/// wait in the pool (`idle`), the most used at once since the last purge, and an estimate of the need
/// that decays over periods (HAProxy's `need_conn_est`).
public struct IdleConnectionPurge: Sendable, Hashable {
    public private(set) var used = 0
    public private(set) var idle = 0
    /// The most connections in use at once since the last purge.
    public private(set) var maxUsed = 0
    /// The number of connections recent traffic needs: halfway between the last estimate and the last
    /// period's peak, and never below that peak.
    public private(set) var estimatedNeed = 0

    public init() {}

    /// A connection started serving a request (a new one, or one taken from the pool).
    public mutating func startedUsing(fromPool: Bool) {
        if fromPool { idle -= 1 }
        used += 1
        if used > maxUsed { maxUsed = used }
    }

    /// A connection that served a request went back to the pool.
    public mutating func parked() {
        used -= 1
        idle += 1
    }

    /// A connection that served a request closed.
    public mutating func closedWhileUsed() { used -= 1 }

    /// An idle connection closed (the server closed it, or a purge did).
    public mutating func closedWhileIdle() { idle -= 1 }

    /// The end of a purge period: how many idle connections to close now.
    public mutating func purge() -> Int {
        let excess = used + idle - max(maxUsed, estimatedNeed)
        let toClose = excess > 0 ? excess / 2 + excess % 2 : 0
        estimatedNeed = max((estimatedNeed + maxUsed) / 2, maxUsed)
        maxUsed = used
        return min(toClose, idle)
    }
}
