/// `balance url_param NAME`: the first value of that query parameter hashed and placed by `hash-type`;
/// round-robin when the parameter is absent.
struct URLParameterHashBalancer: Balancer {
    let pool: ServerPool
    let name: String
    let hashType: HashType
    private var placement: HashPlacement
    private var fallback: RoundRobinBalancer

    init(pool: ServerPool, name: String, hashType: HashType = HashType()) {
        self.pool = pool
        self.name = name
        self.hashType = hashType
        placement = HashPlacement(hashType.method, pool: pool)
        fallback = RoundRobinBalancer(pool: pool)
    }

    mutating func pick(_ availability: some ServerAvailability, request: HTTPRequestHead?, connection: ConnectionInfo) -> Int? {
        var hash: UInt32?
        if let request {
            RequestURI(request.uri).forEachParameter(named: name) { value in
                hash = hashType.hash(value.utf8)
                return true
            }
        }
        guard let hash else { return fallback.pick(availability, request: request, connection: connection) }
        return placement.server(for: hash, availability, pool: pool)
    }
}
