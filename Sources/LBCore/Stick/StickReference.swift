/// A tracker's handle on a stick table entry: its slot, and the slot's generation when the tracker
/// started, so an entry removed meanwhile (by `clear table`) is recognised instead of updating whatever
/// entry reuses the slot.
public struct StickReference: Sendable, Hashable {
    public var slot: Int
    public var generation: UInt32
}
