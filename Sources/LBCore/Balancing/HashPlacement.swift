/// Where a key's hash lands in one tier, by the backend's `hash-type` method: HAProxy's map-based table
/// or its consistent-hash ring.
enum HashPlacement: Sendable {
    case map(WeightedMap)
    case ring(ConsistentHashRing)

    /// The server for `hash` among those that can take the request now, or nil when none can.
    func server(for hash: UInt32, _ live: some ServerAvailability) -> Int? {
        switch self {
        case .map(let map): return map.server(for: hash, live)
        case .ring(let ring): return ring.server(for: hash, live)
        }
    }

    var ring: ConsistentHashRing? {
        if case .ring(let ring) = self { return ring }
        return nil
    }
}
