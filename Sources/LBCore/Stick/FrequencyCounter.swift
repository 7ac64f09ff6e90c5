/// An event rate over a sliding period, kept as HAProxy keeps it: the count of the current period, the
/// count of the previous one, and when the current one started. Reading weights the previous period by
/// the share of it still inside the sliding window, so the rate moves smoothly instead of dropping to
/// zero when a period ends. Times are milliseconds on the caller's clock.
public struct FrequencyCounter: Sendable, Hashable {
    private var start: Int64 = 0
    private var current: UInt64 = 0
    private var previous: UInt64 = 0
    private var started = false

    public init() {}

    /// A counter as a peer describes it: its current period began at `start`.
    public init(start: Int64, current: UInt64, previous: UInt64) {
        self.start = start
        self.current = current
        self.previous = previous
        started = true
    }

    /// When the current period began (nil before the first event), and the two periods' counts.
    public var state: (start: Int64?, current: UInt64, previous: UInt64) { (started ? start : nil, current, previous) }

    /// Counts `amount` events at `now`, first rotating the periods if the current one is over. A gap of
    /// two periods or more forgets the past and starts a new period at `now`.
    public mutating func add(_ amount: UInt64, period: Int, now: Int64) {
        rotate(period: Int64(period), now: now)
        current &+= amount
    }

    /// Restarts the counter at `now` with `value` events in its current period (`set table ... data.X`).
    public mutating func reset(to value: UInt64, now: Int64) {
        start = now
        current = value
        previous = 0
        started = true
    }

    /// The events over the last `period` at `now`: the current period's count plus the previous one's
    /// scaled by the part of the window that still overlaps it (rounded down). A previous count of 0 or
    /// 1 with nothing yet in the current period is reported as is, which keeps a very low rate from
    /// flapping between 0 and 1.
    public func read(period: Int, now: Int64) -> UInt64 {
        guard started, period > 0 else { return 0 }
        let period = Int64(period)
        var current = current, previous = previous
        var remain = start + period - now
        if remain < 0 {
            // The current period is over: it becomes the previous one, as long as the window still
            // reaches into it.
            remain += period
            if remain < 0 { return 0 }
            previous = current
            current = 0
        }
        if previous <= 1 && current == 0 { return previous }
        return current + previous * UInt64(min(remain, period)) / UInt64(period)
    }

    private mutating func rotate(period: Int64, now: Int64) {
        guard started else {
            started = true
            start = now
            return
        }
        guard now - start >= period else { return }
        previous = current
        current = 0
        start += period
        if now - start >= period {
            previous = 0
            start = now
        }
    }
}
