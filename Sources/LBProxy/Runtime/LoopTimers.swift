import NIOCore

/// The deadlines of one event loop's connections (sessions, TLS handshakes, PROXY headers), on a
/// `TimerWheel` of one-millisecond ticks driven by a single scheduled callback for the earliest of them.
///
/// A scheduled callback per connection would cost a heap insertion per arming and, worse, a linear search
/// of the loop's whole schedule per cancellation (SwiftNIO finds the task to cancel by scanning): with
/// 7,000 idle clients, 8% of lb's time under a connection-per-request load went to that search. Here
/// arming and cancelling are O(1); an entry fires within a tick after its deadline. One due beyond the
/// wheel's reach (about four seconds) comes out at the reach's end and is filed again, unseen by its
/// owner, until its deadline comes.
///
/// Confined to its loop.
final class LoopTimers: NIOScheduledCallbackHandler {
    static let tickNanoseconds: UInt64 = 1_000_000

    private let eventLoop: EventLoop
    private let clock: () -> UInt64
    private var wheel: TimerWheel
    private var callback: NIOScheduledCallback?
    /// The tick the pending callback is for; `.max` when none is pending.
    private var callbackTick = UInt64.max
    /// Entries being handed their expiry; kept to reuse its storage.
    private var due: [any TimerWheelEntry] = []

    /// `clock` reads monotonic nanoseconds on the same scale as `NIODeadline.uptimeNanoseconds`.
    init(eventLoop: EventLoop, slotCount: Int = 4096, clock: @escaping () -> UInt64 = monotonicNow) {
        self.eventLoop = eventLoop
        self.clock = clock
        self.wheel = TimerWheel(slotCount: slotCount, processedThrough: clock() / Self.tickNanoseconds)
    }

    /// Entries armed and not yet fired or disarmed.
    var count: Int { wheel.count }

    /// Arms `entry` for `instant` (monotonic nanoseconds) and returns when it will fire: at the first
    /// tick at or after `instant`, or at the next tick if that one is past.
    func arm(_ entry: any TimerWheelEntry, at instant: UInt64) -> UInt64 {
        if wheel.count == 0 { wheel.restart(at: clock() / Self.tickNanoseconds) }
        entry.wheelPosition.deadline = instant
        let due = (instant &+ Self.tickNanoseconds &- 1) / Self.tickNanoseconds
        return max(due, file(entry, at: due)) &* Self.tickNanoseconds
    }

    /// Disarms `entry`; nothing happens if it is not armed.
    func disarm(_ entry: any TimerWheelEntry) {
        wheel.remove(entry)
    }

    func handleScheduledCallback(eventLoop: some EventLoop) {
        callback = nil
        callbackTick = .max
        let now = clock()
        wheel.takeDue(through: now / Self.tickNanoseconds, into: &due)
        var index = 0
        while index < due.count {
            let entry = due[index]
            index += 1
            // Disarmed or armed again by an entry fired before it: not due any more.
            guard entry.wheelPosition.isFiring else { continue }
            entry.wheelPosition.markUnarmed()
            let deadline = entry.wheelPosition.deadline
            guard deadline <= now else {
                // Filed at the end of the wheel's reach: on to the next stretch.
                file(entry, at: (deadline &+ Self.tickNanoseconds &- 1) / Self.tickNanoseconds)
                continue
            }
            entry.timerWheelFired(now: now)
        }
        due.removeAll(keepingCapacity: true)
        if let next = wheel.nextTick(), next < callbackTick { schedule(next) }
    }

    /// Files `entry` at `tick` (or the nearest the wheel covers) and returns the tick used.
    @discardableResult
    private func file(_ entry: any TimerWheelEntry, at tick: UInt64) -> UInt64 {
        let filed = wheel.insert(entry, at: tick)
        if filed < callbackTick { schedule(filed) }
        return filed
    }

    private func schedule(_ tick: UInt64) {
        callback?.cancel()
        callback = nil
        callbackTick = .max
        // Scheduling fails only on a loop that is shutting down, where nothing is left to time out.
        guard let scheduled = try? eventLoop.assumeIsolated().scheduleCallback(
            at: .uptimeNanoseconds(tick &* Self.tickNanoseconds), handler: self) else { return }
        callback = scheduled
        callbackTick = tick
    }
}
