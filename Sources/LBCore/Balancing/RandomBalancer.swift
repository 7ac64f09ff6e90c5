/// `balance random[(draws)]`: draws `draws` servers at random in proportion to their weights and keeps
/// the one with the fewest active connections ("power of two choices" for the default of 2).
struct RandomBalancer: Balancer {
    let pool: ServerPool
    let draws: Int
    private var generator: SplitMix64

    init(pool: ServerPool, draws: Int, seed: UInt64? = nil) {
        self.pool = pool
        self.draws = max(1, draws)
        var system = SystemRandomNumberGenerator()
        generator = SplitMix64(seed: seed ?? system.next())
    }

    mutating func pick(_ availability: some ServerAvailability, request: HTTPRequestHead?, connection: ConnectionInfo) -> Int? {
        guard let eligibility = pool.eligibility(availability, weight: { availability.weight($0) }) else { return nil }
        var total = 0
        for index in 0..<availability.count {
            let weight = availability.weight(index)
            if pool.isEligible(index, eligibility, availability, weight: weight) { total += weight }
        }
        guard total > 0 else { return eligibility.single }
        var best = -1
        for _ in 0..<draws {
            var target = Int(generator.next() % UInt64(total))
            var drawn = -1
            for index in 0..<availability.count {
                let weight = availability.weight(index)
                guard pool.isEligible(index, eligibility, availability, weight: weight) else { continue }
                if target < weight { drawn = index; break }
                target -= weight
            }
            if drawn >= 0 && (best < 0 || availability.activeConnections(drawn) < availability.activeConnections(best)) {
                best = drawn
            }
        }
        return best >= 0 ? best : nil
    }
}

/// A small, fast, seedable generator (SplitMix64); each balancer owns one, so no locking. Public so that
/// tests draw reproducible inputs from a seed with the same generator.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
