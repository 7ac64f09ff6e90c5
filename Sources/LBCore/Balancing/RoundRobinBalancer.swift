/// `balance roundrobin`: smooth weighted round-robin on the current (runtime) weights.
struct RoundRobinBalancer: Balancer {
    let pool: ServerPool
    private var cycle = SmoothWeightedCycle()

    init(pool: ServerPool) { self.pool = pool }

    mutating func pick(_ availability: some ServerAvailability, request: HTTPRequestHead?, connection: ConnectionInfo) -> Int? {
        cycle.next(availability, pool: pool) { availability.weight($0) }
    }
}
