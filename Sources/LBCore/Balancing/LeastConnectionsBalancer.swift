/// `balance leastconn`: the eligible server with the fewest active connections relative to its weight
/// (connections/weight, so equal weights mean plain fewest connections); among equals, the scan starts
/// after the previous pick, which rotates ties round-robin.
struct LeastConnectionsBalancer: Balancer {
    let pool: ServerPool
    private var last = -1

    init(pool: ServerPool) { self.pool = pool }

    mutating func pick(_ availability: some ServerAvailability, request: HTTPRequestHead?, connection: ConnectionInfo) -> Int? {
        guard let eligibility = pool.eligibility(availability, weight: { availability.weight($0) }) else { return nil }
        let count = availability.count
        var best = -1
        var bestConnections = 0, bestWeight = 1
        for step in 1...max(count, 1) {
            let index = (last + step) % count
            let weight = availability.weight(index)
            guard pool.isEligible(index, eligibility, availability, weight: weight) else { continue }
            let connections = availability.activeConnections(index)
            // connections/weight < bestConnections/bestWeight, without division.
            if best < 0 || connections * bestWeight < bestConnections * weight {
                best = index
                bestConnections = connections
                bestWeight = weight
            }
        }
        guard best >= 0 else { return nil }
        last = best
        return best
    }
}
