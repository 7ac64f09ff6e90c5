import Synchronization

/// The shared turn counter of a smooth rotation. Every pick takes the next turn with one atomic add, so
/// picks on any number of event loops together walk the rotation exactly once each, in order: no turn
/// is lost or taken twice, and the rotation stays global as in HAProxy.
final class RotationCursor: Sendable {
    private let turn = Atomic<UInt>(0)

    /// The next server of the scope's rotation that can take the request now. A turn that lands on a
    /// server that cannot (at its maxconn) is given up and the next one taken, so the others keep their
    /// proportions; after a whole period of such turns, the first member that can.
    ///
    /// A redispatch takes no turn: its request already took one, on the server it now leaves, so it
    /// goes to the server of the coming turn and the next request still gets its own.
    func next(_ snapshot: SelectionSnapshot, _ live: some ServerAvailability) -> Int? {
        let redispatch = live.excluded != nil
        // The common case first: the turn lands on an active server that can take the request, so the
        // active tier serves and nothing else needs a look.
        let active = snapshot.active.rotation
        if !redispatch, !active.isEmpty {
            let turn = turn.wrappingAdd(1, ordering: .relaxed).oldValue
            let index = Int(active[Int(turn % UInt(active.count))])
            if live.canTake(index) { return index }
        }
        guard let scope = snapshot.scope(live) else { return nil }
        switch scope {
        case .single(let index):
            return index
        case .tier(let tier):
            let order = tier.rotation
            guard !order.isEmpty else { return nil }
            let length = UInt(order.count)
            if redispatch {
                let coming = turn.load(ordering: .relaxed)
                for step in 0..<length {
                    let index = Int(order[Int((coming &+ step) % length)])
                    if live.canTake(index) { return index }
                }
            } else {
                for _ in 0..<order.count {
                    let turn = turn.wrappingAdd(1, ordering: .relaxed).oldValue
                    let index = Int(order[Int(turn % length)])
                    if live.canTake(index) { return index }
                }
            }
            for index in tier.members where live.canTake(index) { return index }
            return nil
        }
    }
}
