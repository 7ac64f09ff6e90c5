/// One period of smooth weighted round-robin, computed once per snapshot: every step adds each server's
/// weight to its credit, takes the server with the most credit (the lowest index among equals) and
/// charges it the total weight. Weights 5/1/1 give a a b a c a a. After a whole period every credit is
/// back to zero, so the period repeats exactly and a pick is the entry at a shared cursor modulo the
/// length: no per-pick state beyond that one atomic counter.
struct SmoothRotation: Sendable {
    /// Server indices in pick order; its length is the weights' sum divided by their common divisor
    /// (weights 2/2/2 are the same rotation as 1/1/1).
    let order: [Int32]

    /// `members` in ascending index order, each with a weight above zero.
    init(members: [Int], weights: [Int]) {
        let divisor = weights.reduce(0) { Self.gcd($0, $1) }
        let reduced = weights.map { $0 / max(divisor, 1) }
        let total = reduced.reduce(0, +)
        var credit = Array(repeating: 0, count: reduced.count)
        var order: [Int32] = []
        order.reserveCapacity(total)
        for _ in 0..<total {
            var best = 0
            for position in reduced.indices {
                credit[position] += reduced[position]
                if credit[position] > credit[best] { best = position }
            }
            credit[best] -= total
            order.append(Int32(truncatingIfNeeded: members[best]))
        }
        self.order = order
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
