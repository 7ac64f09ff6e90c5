/// One tier of a selection snapshot, the active servers or the backups, with the tables its picks read.
/// A class, so that a pick holding it copies one reference, not its three tables.
final class ServerTier: Sendable {
    /// The tier's servers that are up with a weight above zero, in declaration order.
    let members: [Int]
    /// One period of the smooth weighted rotation of `members` (round-robin, and the hash algorithms'
    /// fallback); empty when the algorithm does not rotate.
    let rotation: [Int32]
    let placement: HashPlacement?

    init(members: [Int], rotation: [Int32], placement: HashPlacement?) {
        self.members = members
        self.rotation = rotation
        self.placement = placement
    }
}
