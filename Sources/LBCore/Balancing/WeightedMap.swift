/// The map-based hashing table (HAProxy's default `hash-type map-based`): each eligible server appears
/// in proportion to its weight, spread evenly, and a key's hash modulo the table size picks the slot. The
/// same key always lands on the same server while the eligible set and weights stay the same; when they
/// change the table is rebuilt, which moves many keys (that is the documented cost of map-based hashing).
struct WeightedMap {
    private var slots: [Int] = []
    /// (index, weight) of each eligible server the table was built from.
    private var builtFrom: [(Int, Int)] = []
    private var scratch: [(Int, Int)] = []

    /// The server for `hash`, or nil when no server is eligible.
    mutating func server(for hash: UInt32, _ availability: some ServerAvailability, pool: ServerPool) -> Int? {
        guard let eligibility = pool.eligibility(availability, weight: { availability.weight($0) }) else { return nil }
        scratch.removeAll(keepingCapacity: true)
        for index in 0..<availability.count {
            let weight = availability.weight(index)
            if pool.isEligible(index, eligibility, availability, weight: weight) { scratch.append((index, weight)) }
        }
        if !sameServers(scratch, builtFrom) { rebuild() }
        guard !slots.isEmpty else { return nil }
        return slots[Int(hash % UInt32(slots.count))]
    }

    private func sameServers(_ lhs: [(Int, Int)], _ rhs: [(Int, Int)]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (a, b) in zip(lhs, rhs) where a != b { return false }
        return true
    }

    private mutating func rebuild() {
        builtFrom = scratch
        // Weights divided by their common divisor keep the table small (three servers of weight 100 → 3 slots).
        let divisor = scratch.reduce(0) { gcd($0, $1.1) }
        let weights = scratch.map { $0.1 / max(divisor, 1) }
        let total = weights.reduce(0, +)
        slots.removeAll(keepingCapacity: true)
        slots.reserveCapacity(total)
        var credit = Array(repeating: 0, count: weights.count)
        for _ in 0..<total {
            var best = 0
            for position in weights.indices {
                credit[position] += weights[position]
                if credit[position] > credit[best] { best = position }
            }
            credit[best] -= total
            slots.append(scratch[best].0)
        }
    }

    private func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
