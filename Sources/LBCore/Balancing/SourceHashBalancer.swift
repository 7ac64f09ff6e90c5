/// `balance source`: the client address hashed onto the weighted map; round-robin when the connection
/// has no IP source (a unix socket).
struct SourceHashBalancer: Balancer {
    let pool: ServerPool
    private var map = WeightedMap()
    private var fallback: RoundRobinBalancer

    init(pool: ServerPool) {
        self.pool = pool
        fallback = RoundRobinBalancer(pool: pool)
    }

    mutating func pick(_ availability: some ServerAvailability, request: HTTPRequestHead?, connection: ConnectionInfo) -> Int? {
        guard let source = connection.source else { return fallback.pick(availability, request: request, connection: connection) }
        return map.server(for: BalancerHash.hash(IPAddressBytes(source)), availability, pool: pool)
    }
}
