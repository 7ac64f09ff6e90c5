/// Where a `TimerWheel` holds an entry: the slot of its tick and its place in that slot, kept by the
/// entry itself so that taking it out is O(1); and when the entry is due, which `LoopTimers` keeps here
/// for a deadline beyond the wheel's reach.
struct TimerWheelPosition {
    /// Not in the wheel.
    static let unarmed = TimerWheelPosition(slot: -1, index: 0)

    var slot: Int32
    var index: Int32
    /// When the entry is due, in monotonic nanoseconds (the wheel itself files by tick).
    var deadline: UInt64 = 0

    /// Filed in the wheel.
    var isArmed: Bool { slot >= 0 }
    /// Taken out of the wheel because its tick came, and not handed its expiry yet.
    var isFiring: Bool { slot == -2 }
    /// Neither filed nor firing.
    var isUnarmed: Bool { slot == -1 }

    mutating func markFiring() { slot = -2 }
    mutating func markUnarmed() { slot = -1 }
}

/// Something a `TimerWheel` can hold: it carries its own position, and is told when it is due.
protocol TimerWheelEntry: AnyObject {
    var wheelPosition: TimerWheelPosition { get set }
    /// The entry is due; `now` is the clock's reading (nanoseconds) when the wheel turned.
    func timerWheelFired(now: UInt64)
}
