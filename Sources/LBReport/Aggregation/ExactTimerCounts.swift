/// Plain counters for timer values below 2048 ms, where a precision-10 `LogHistogram` has one bucket per
/// value: the route and halog histograms take ten values a line, and a raw increment here costs a
/// fraction of `LogHistogram.record` on nested arrays. `fold` adds the counts into the histograms
/// (same buckets, count, sum, minimum and maximum as recording each value) and clears them.
///
/// A reference type for the hot loop; `Aggregator` copies it before mutating a shared one.
final class ExactTimerCounts: @unchecked Sendable {
    static let limit = 2048
    /// Histograms per route slot (`TimerKind` order), and halog's (TR, Tc, Tr, Td).
    static let routeTimers = 5
    static let halogTimers = 4
    private(set) var routes: UnsafeMutablePointer<UInt32>
    private(set) var routeSlots = 0
    private var routeCapacity = 0
    let halog: UnsafeMutablePointer<UInt32>

    init() {
        routes = .allocate(capacity: 0)
        halog = .allocate(capacity: Self.halogTimers * Self.limit)
        halog.initialize(repeating: 0, count: Self.halogTimers * Self.limit)
    }

    deinit {
        routes.deallocate()
        halog.deallocate()
    }

    func copy() -> ExactTimerCounts {
        let other = ExactTimerCounts()
        other.ensure(slots: routeSlots)
        other.routes.update(from: routes, count: routeSlots * Self.routeTimers * Self.limit)
        other.halog.update(from: halog, count: Self.halogTimers * Self.limit)
        return other
    }

    /// Makes room for route slots `0..<slots`.
    func ensure(slots: Int) {
        guard slots > routeSlots else { return }
        if slots > routeCapacity {
            let capacity = Swift.max(slots, routeCapacity * 2, 16)
            let bigger = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity * Self.routeTimers * Self.limit)
            bigger.update(from: routes, count: routeSlots * Self.routeTimers * Self.limit)
            routes.deallocate()
            routes = bigger
            routeCapacity = capacity
        }
        (routes + routeSlots * Self.routeTimers * Self.limit).initialize(repeating: 0, count: (slots - routeSlots) * Self.routeTimers * Self.limit)
        routeSlots = slots
    }

    /// Counts `value` for route slot `slot`'s timer `timer` if it is below the limit; false if not.
    @inline(__always)
    func count(slot: Int, timer: Int, _ value: Int32) -> Bool {
        guard UInt32(bitPattern: value) < UInt32(Self.limit) else { return false }
        routes[(slot &* Self.routeTimers &+ timer) &* Self.limit &+ Int(value)] &+= 1
        return true
    }

    @inline(__always)
    func countHalog(timer: Int, _ value: Int) -> Bool {
        guard UInt(bitPattern: value) < UInt(Self.limit) else { return false }
        halog[timer &* Self.limit &+ value] &+= 1
        return true
    }

    /// Adds the counts into `routeStats` and `halogTimers`, and clears them.
    func fold(into routeStats: inout [GroupStats], halogTimers: inout [LogHistogram]) {
        for slot in 0..<Swift.min(routeSlots, routeStats.count) {
            for timer in 0..<Self.routeTimers {
                Self.fold(routes + (slot * Self.routeTimers + timer) * Self.limit, into: &routeStats[slot].timers[timer])
            }
        }
        for timer in 0..<Self.halogTimers { Self.fold(halog + timer * Self.limit, into: &halogTimers[timer]) }
    }

    private static func fold(_ counts: UnsafeMutablePointer<UInt32>, into h: inout LogHistogram) {
        for value in 0..<limit where counts[value] != 0 {
            h.record(value, times: Int(counts[value]))
            counts[value] = 0
        }
    }
}
