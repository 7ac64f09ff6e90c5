/// `balance static-rr`: weighted round-robin on the configured weights; a runtime weight only switches a
/// server off (0) or back on at its configured weight.
struct StaticRoundRobinBalancer: Balancer {
    let pool: ServerPool
    private var cycle = SmoothWeightedCycle()

    init(pool: ServerPool) { self.pool = pool }

    mutating func pick(_ availability: some ServerAvailability, request: HTTPRequestHead?, connection: ConnectionInfo) -> Int? {
        let configured = pool.configuredWeights
        return cycle.next(availability, pool: pool) { index in
            guard availability.weight(index) > 0 else { return 0 }
            return index < configured.count ? configured[index] : availability.weight(index)
        }
    }
}
