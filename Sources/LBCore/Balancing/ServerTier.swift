/// One tier of a selection snapshot, the active servers or the backups, with the tables its picks read.
struct ServerTier: Sendable {
    /// The tier's servers that are up with a weight above zero, in declaration order.
    let members: [Int]
    /// The smooth weighted rotation of `members` (round-robin, and the hash algorithms' fallback).
    let rotation: SmoothRotation?
    let placement: HashPlacement?
}
