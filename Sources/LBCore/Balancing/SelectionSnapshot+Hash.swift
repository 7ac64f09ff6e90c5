extension SelectionSnapshot {
    /// The server a key's hash goes to among those that can take the request now, by the tier's
    /// table or ring; nil when none can.
    func server(for hash: UInt32, _ live: some ServerAvailability) -> Int? {
        guard let scope = scope(live) else { return nil }
        switch scope {
        case .single(let index): return index
        case .tier(let tier): return tier.placement?.server(for: hash, live)
        }
    }
}
