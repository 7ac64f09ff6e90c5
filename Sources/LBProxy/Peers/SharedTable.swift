import LBCore

/// A stick table a peers section shares: its number in the section (the id peers know it by), how its
/// entries translate to the protocol, and the table itself.
struct SharedTable: Sendable {
    let id: UInt64
    let binding: PeerTableBinding
    let lock: StickTableLock
}
