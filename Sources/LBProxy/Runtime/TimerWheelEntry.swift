/// Where a `TimerWheel` holds an entry: the slot of its tick and its place in that slot, kept by the
/// entry itself so that taking it out is O(1).
struct TimerWheelPosition: Equatable {
    /// Not in the wheel.
    static let unarmed = TimerWheelPosition(slot: -1, index: 0)
    /// Taken out of the wheel because its tick came, and not handed its expiry yet.
    static let firing = TimerWheelPosition(slot: -2, index: 0)

    var slot: Int32
    var index: Int32

    var isArmed: Bool { slot >= 0 }
}

/// Something a `TimerWheel` can hold: it carries its own position, and is told when its tick has come.
protocol TimerWheelEntry: AnyObject {
    var wheelPosition: TimerWheelPosition { get set }
    /// The entry's tick has come; `now` is the clock's reading (nanoseconds) when the wheel turned.
    func timerWheelFired(now: UInt64)
}
