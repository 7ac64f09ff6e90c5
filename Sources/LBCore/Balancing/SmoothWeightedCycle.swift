/// Smooth weighted round-robin: every pick adds each eligible server's weight to its credit, takes the
/// server with the most credit (the lowest index among equals) and charges it the total weight. Picks are
/// interleaved (weights 5/1/1 give a a b a c a a), follow weight changes at once, and a server that
/// leaves the eligible set loses its credit so it does not burst when it comes back.
struct SmoothWeightedCycle {
    private var credit: [Int] = []

    mutating func next(_ availability: some ServerAvailability, pool: ServerPool, weight: (Int) -> Int) -> Int? {
        guard let eligibility = pool.eligibility(availability, weight: weight) else { return nil }
        let count = availability.count
        if credit.count != count { credit = Array(repeating: 0, count: count) }
        var total = 0
        var best = -1
        for index in 0..<count {
            let serverWeight = weight(index)
            guard pool.isEligible(index, eligibility, availability, weight: serverWeight) else {
                credit[index] = 0
                continue
            }
            credit[index] += serverWeight
            total += serverWeight
            if best < 0 || credit[index] > credit[best] { best = index }
        }
        guard best >= 0 else { return nil }
        credit[best] -= total
        return best
    }
}
