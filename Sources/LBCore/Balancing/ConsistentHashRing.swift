/// HAProxy's `hash-type consistent` for one tier (the active servers or the backups): every server owns
/// points on a 32-bit ring in proportion to its weight, and a key goes to the server of the first point at
/// or after its hash, wrapping past the top.
///
/// A server's points are a function of its index and their own number only, so taking a server away
/// hands its arcs to the next points clockwise and moves no other key; changing a weight adds or drops
/// that server's last points only. Servers that cannot take traffic right now (down, in maintenance, at
/// their maxconn, or left out for a redispatch) stay on the ring and the lookup walks past their points,
/// which places every key exactly where a ring without them would. So the ring depends on the weights
/// alone: a new snapshot after a health change keeps the previous snapshot's ring.
struct ConsistentHashRing: Sendable {
    /// Points the ring aims to hold with every server at its configured weight. Arc lengths are random,
    /// so a server's share of the keys strays from its weight share by about sqrt(share / points): with
    /// 2^15 points that is a few tenths of a percent, where HAProxy's 16 points per unit of weight give
    /// several percent.
    static let targetPoints = 1 << 15
    /// A ceiling for the ring when runtime weights climb far above the configured ones; past it, the
    /// points per weight are lowered for that build (keys then move more than the change alone requires).
    static let maximumPoints = 1 << 20

    /// Points per unit of weight, fixed from the configured weights for the backend's life, so that a
    /// server's points never depend on which other servers are up.
    static func pointsPerWeight(configuredWeights: [Int]) -> Int {
        let total = configuredWeights.reduce(0) { $0 + max(0, $1) }
        return max(1, targetPoints / max(1, total))
    }

    /// The weight each server had when the points were placed (0: not on this ring).
    let builtFrom: [Int]
    /// `position << 32 | server index`, ascending: sorted by position, ties broken by index.
    private let points: [UInt64]

    init(weights: [Int], pointsPerWeight: Int) {
        builtFrom = weights.map { max(0, $0) }
        let totalWeight = builtFrom.reduce(0, +)
        var perWeight = pointsPerWeight
        if totalWeight * perWeight > Self.maximumPoints {
            perWeight = max(1, Self.maximumPoints / max(1, totalWeight))
        }
        var points: [UInt64] = []
        points.reserveCapacity(totalWeight * perWeight)
        for (index, weight) in builtFrom.enumerated() where weight > 0 {
            for number in 0..<(weight * perWeight) {
                points.append(UInt64(Self.position(server: index, point: number)) << 32 | UInt64(index))
            }
        }
        points.sort()
        self.points = points
    }

    /// Where point `number` of server `index` sits on the ring: the pair run through splitmix64's finalizer
    /// (a bijective 64-bit mix), top 32 bits.
    static func position(server index: Int, point number: Int) -> UInt32 {
        var value = (UInt64(truncatingIfNeeded: index) << 32 | UInt64(truncatingIfNeeded: number)) &+ 0x9e37_79b9_7f4a_7c15
        value = (value ^ (value >> 30)) &* 0xbf58_476d_1ce4_e5b9
        value = (value ^ (value >> 27)) &* 0x94d0_49bb_1331_11eb
        value ^= value >> 31
        return UInt32(truncatingIfNeeded: value >> 32)
    }

    /// The first point at or after `hash` (wrapping) whose server can take the request now.
    func server(for hash: UInt32, _ live: some ServerAvailability) -> Int? {
        guard !points.isEmpty else { return nil }
        var position = lowerBound(UInt64(hash) << 32)
        for _ in 0..<points.count {
            if position == points.count { position = 0 }
            let index = Int(truncatingIfNeeded: points[position] & 0xffff_ffff)
            if live.canTake(index) { return index }
            position += 1
        }
        return nil
    }

    /// The first position whose point is >= `key` (points.count when none is).
    private func lowerBound(_ key: UInt64) -> Int {
        var low = 0
        var high = points.count
        while low < high {
            let middle = (low + high) / 2
            if points[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
