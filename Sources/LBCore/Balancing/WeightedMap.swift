/// The map-based hashing table (HAProxy's default `hash-type map-based`): each eligible server appears
/// in proportion to its weight, spread evenly, and a key's hash modulo the table size picks the slot. The
/// same key always lands on the same server while the eligible set and weights stay the same; a change
/// builds a new snapshot with a new table, which moves many keys (the documented cost of map-based
/// hashing).
struct WeightedMap: Sendable {
    /// The table is the smooth rotation of the members: the same even spread, weights divided by their
    /// common divisor (three servers of weight 100 → 3 slots).
    private let slots: SmoothRotation

    init(members: [Int], weights: [Int]) {
        slots = SmoothRotation(members: members, weights: weights)
    }

    /// The server of `hash`'s slot, or when it cannot take the request now (at its maxconn, left out for
    /// a redispatch), of the next slot whose server can: only that server's keys move. nil when none can.
    func server(for hash: UInt32, _ live: some ServerAvailability) -> Int? {
        let count = slots.order.count
        guard count > 0 else { return nil }
        var position = Int(hash % UInt32(count))
        for _ in 0..<count {
            let index = Int(slots.order[position])
            if live.canTake(index) { return index }
            position = position + 1 == count ? 0 : position + 1
        }
        return nil
    }
}
