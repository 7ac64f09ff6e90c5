import LBConfig

/// What a balancer may know of the servers at the time of one pick.
public protocol ServerAvailability {
    /// Number of servers in the backend (usable or not).
    var count: Int { get }
    /// True when the server may take new traffic (UP, not in maintenance or drain, below its maxconn).
    func isUsable(_ index: Int) -> Bool
    /// Current effective weight (runtime weight changes included).
    func weight(_ index: Int) -> Int
    /// Connections currently open to the server (for leastconn and random draws).
    func activeConnections(_ index: Int) -> Int
}

/// Picks a server for one request. Implementations are plain state machines with no locking of their
/// own: the data plane keeps one per backend behind a lock held only for the pick, so a rotation is
/// global across event loops as in HAProxy.
public protocol Balancer {
    /// The chosen server index among those `availability` says are usable, or nil if none is.
    mutating func pick(_ availability: some ServerAvailability, request: HTTPRequestHead?, connection: ConnectionInfo) -> Int?
}

/// Builds the balancer of a backend.
public enum BalancerFactory {
    /// Algorithms lb does not implement (`rdp-cookie`, `hash`...) get roundrobin; `ProxyPlan.compile`
    /// warns about them.
    public static func make(for backend: BackendPlan) -> any Balancer {
        let pool = ServerPool(backend)
        switch backend.balance {
        case .roundRobin, .other: return RoundRobinBalancer(pool: pool)
        case .staticRoundRobin: return StaticRoundRobinBalancer(pool: pool)
        case .leastConnections: return LeastConnectionsBalancer(pool: pool)
        case .first: return FirstAvailableBalancer(pool: pool)
        case .source: return SourceHashBalancer(pool: pool, hashType: backend.hashType)
        case .uri(let arguments): return URIHashBalancer(pool: pool, arguments: arguments, hashType: backend.hashType)
        case .urlParameter(let name, _): return URLParameterHashBalancer(pool: pool, name: name, hashType: backend.hashType)
        case .header(let name, let useDomainOnly):
            return HeaderHashBalancer(pool: pool, name: name, useDomainOnly: useDomainOnly, hashType: backend.hashType)
        case .random(let draws): return RandomBalancer(pool: pool, draws: draws)
        }
    }
}
