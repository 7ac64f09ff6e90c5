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
    /// The server a redispatch moves away from, which `isUsable` refuses for this pick only.
    var excluded: Int? { get }
}

extension ServerAvailability {
    public var excluded: Int? { nil }

    /// May take this request now. A snapshot's members were up with a weight when it was built; this is
    /// the live check that also catches a change the snapshot does not show yet.
    @inline(__always)
    func canTake(_ index: Int) -> Bool { index < count && isUsable(index) && weight(index) > 0 }
}

/// Picks a server for one request. A balancer is shared by every event loop, as in HAProxy, so that a
/// rotation is global: what only changes with the servers' states lives in an immutable
/// `SelectionSnapshot`, published anew at each change, and what changes with every pick (a rotation
/// cursor, a random generator) is an atomic. A pick takes no lock.
public protocol Balancer: Sendable {
    /// The tables this algorithm's snapshots hold.
    var recipe: SnapshotRecipe { get }
    /// The latest snapshot, which `publish` replaces.
    var published: PublishedSnapshot { get }
    /// The chosen server index among those `snapshot` places and `live` says can take a request now
    /// (below maxconn, not left out), or nil if none can.
    func pick(_ snapshot: SelectionSnapshot, _ live: some ServerAvailability, request: HTTPRequestHead?,
              connection: ConnectionInfo) -> Int?
}

extension Balancer {
    /// Builds and publishes the snapshot of the states `read` returns (a server went up or down, changed
    /// mode or weight). `read` runs under the publishing lock: of two changes published at once, the
    /// later snapshot reads both.
    public func publish(reading read: () -> ServerStates) {
        published.replace { SelectionSnapshot(recipe, states: read(), previous: $0) }
    }

    /// A pick for callers that do not publish state changes themselves (tests, tools): the states are
    /// read from `availability` and a new snapshot is published when they differ from the latest.
    /// Mutating because it may do so. The data plane publishes at each change and calls
    /// `pick(_:_:request:connection:)` with the snapshot its event loop holds.
    public mutating func pick(_ availability: some ServerAvailability, request: HTTPRequestHead?,
                              connection: ConnectionInfo) -> Int? {
        let states = ServerStates(availability)
        var snapshot = published.current().snapshot
        if snapshot.states != states {
            publish { states }
            snapshot = published.current().snapshot
        }
        return pick(snapshot, availability, request: request, connection: connection)
    }
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
        case .rdpCookie(let name): return RDPCookieBalancer(pool: pool, name: name, hashType: backend.hashType)
        }
    }
}
