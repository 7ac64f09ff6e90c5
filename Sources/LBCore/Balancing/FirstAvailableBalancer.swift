/// `balance first`: the lowest-numbered eligible server that still has a free connection slot
/// (`maxconn`); a server without maxconn always has one. Weights only matter as 0 = never.
struct FirstAvailableBalancer: Balancer {
    let pool: ServerPool

    init(pool: ServerPool) { self.pool = pool }

    mutating func pick(_ availability: some ServerAvailability, request: HTTPRequestHead?, connection: ConnectionInfo) -> Int? {
        guard let eligibility = pool.eligibility(availability, weight: { availability.weight($0) }) else { return nil }
        for index in 0..<availability.count
        where pool.isEligible(index, eligibility, availability, weight: availability.weight(index)) {
            let limit = index < pool.maxConnections.count ? pool.maxConnections[index] : nil
            if let limit, availability.activeConnections(index) >= limit { continue }
            return index
        }
        return nil
    }
}
