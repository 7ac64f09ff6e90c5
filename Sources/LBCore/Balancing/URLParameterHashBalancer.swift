/// `balance url_param NAME`: the first value of that query parameter hashed onto the weighted map;
/// round-robin when the parameter is absent.
struct URLParameterHashBalancer: Balancer {
    let pool: ServerPool
    let name: String
    private var map = WeightedMap()
    private var fallback: RoundRobinBalancer

    init(pool: ServerPool, name: String) {
        self.pool = pool
        self.name = name
        fallback = RoundRobinBalancer(pool: pool)
    }

    mutating func pick(_ availability: some ServerAvailability, request: HTTPRequestHead?, connection: ConnectionInfo) -> Int? {
        var hash: UInt32?
        if let request {
            RequestURI(request.uri).forEachParameter(named: name) { value in
                hash = BalancerHash.hash(value.utf8)
                return true
            }
        }
        guard let hash else { return fallback.pick(availability, request: request, connection: connection) }
        return map.server(for: hash, availability, pool: pool)
    }
}
