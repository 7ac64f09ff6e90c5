/// Where a key's hash lands, by the backend's `hash-type` method: HAProxy's map-based table or its
/// consistent-hash ring. The hash-based balancers own one and hand it their key's hash.
struct HashPlacement {
    let method: HashType.Method
    private var map = WeightedMap()
    /// Holds no points until the first consistent pick, so a map-based backend pays nothing for it.
    private var ring: ConsistentHashRing

    init(_ method: HashType.Method, pool: ServerPool) {
        self.method = method
        ring = ConsistentHashRing(configuredWeights: pool.configuredWeights)
    }

    /// The server for `hash`, or nil when no server is eligible.
    mutating func server(for hash: UInt32, _ availability: some ServerAvailability, pool: ServerPool) -> Int? {
        switch method {
        case .mapBased: return map.server(for: hash, availability, pool: pool)
        case .consistent: return ring.server(for: hash, availability, pool: pool)
        }
    }
}
