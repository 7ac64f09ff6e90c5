/// `balance source`: the client address hashed (see `HashType.hash(source:)`) and placed by the backend's
/// `hash-type`; round-robin when the connection has no IP source (a unix socket).
struct SourceHashBalancer: Balancer {
    let pool: ServerPool
    let hashType: HashType
    private var placement: HashPlacement
    private var fallback: RoundRobinBalancer

    init(pool: ServerPool, hashType: HashType = HashType()) {
        self.pool = pool
        self.hashType = hashType
        placement = HashPlacement(hashType.method, pool: pool)
        fallback = RoundRobinBalancer(pool: pool)
    }

    mutating func pick(_ availability: some ServerAvailability, request: HTTPRequestHead?, connection: ConnectionInfo) -> Int? {
        guard let source = connection.source else { return fallback.pick(availability, request: request, connection: connection) }
        return placement.server(for: hashType.hash(source: source), availability, pool: pool)
    }
}
