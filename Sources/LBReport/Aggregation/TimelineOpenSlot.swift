/// The counts of the timeline slot lines are going to, in flat memory. Lines mostly fall in the slot of
/// the line before, and adding each to `Timeline.Slot`'s nested arrays paid two copy-on-write checks
/// and a bounds check a line: about a tenth of a report's time. `Timeline` drains this into its slot
/// when the lines move to another slot and before anything reads it.
///
/// A reference type shared by copies of a `Timeline` until one of them calls `Timeline.ownOpenSlot`.
final class TimelineOpenSlot: @unchecked Sendable {
    /// The scalars, behind a pointer: a class's stored `var`s pay a dynamic exclusivity check per access.
    struct Counters {
        var requests = 0
        var errors = 0
        var serverErrors = 0
        var values = 0
        var sum = 0
        var minimum = Int.max
        var maximum = -1
        /// The highest bucket counted, -1 for none.
        var highest = -1
    }

    static let precision = Timeline.Slot.precision
    /// Enough buckets for every `Int32` latency; larger ones go straight to the slot.
    static let buckets = LogHistogram.index(of: Int(Int32.max), precisionBits: precision) + 1

    private let counters: UnsafeMutablePointer<Counters>
    private let counts: UnsafeMutablePointer<UInt32>

    init() {
        counters = .allocate(capacity: 1)
        counters.initialize(to: Counters())
        counts = .allocate(capacity: Self.buckets)
        counts.initialize(repeating: 0, count: Self.buckets)
    }

    deinit {
        counters.deinitialize(count: 1)
        counters.deallocate()
        counts.deallocate()
    }

    func copy() -> TimelineOpenSlot {
        let other = TimelineOpenSlot()
        other.counters.pointee = counters.pointee
        other.counts.update(from: counts, count: Self.buckets)
        return other
    }

    var isEmpty: Bool { counters.pointee.requests == 0 }

    /// Counts one line; false (and nothing counted) for a latency beyond `Int32`.
    @inline(__always)
    func add(latency: Int, isError: Bool, isServerError: Bool) -> Bool {
        guard latency <= Int(Int32.max) else { return false }
        counters.pointee.requests &+= 1
        if isError { counters.pointee.errors &+= 1 }
        if isServerError { counters.pointee.serverErrors &+= 1 }
        guard latency >= 0 else { return true }
        let b = LogHistogram.index(of: latency, precisionBits: Self.precision)
        counts[b] &+= 1
        counters.pointee.values &+= 1
        counters.pointee.sum &+= latency
        if latency < counters.pointee.minimum { counters.pointee.minimum = latency }
        if latency > counters.pointee.maximum { counters.pointee.maximum = latency }
        if b > counters.pointee.highest { counters.pointee.highest = b }
        return true
    }

    /// Adds the counts into `slot` and clears them.
    func drain(into slot: inout Timeline.Slot) {
        let c = counters.pointee
        guard c.requests > 0 else { return }
        slot.requests += c.requests
        slot.errors += c.errors
        slot.serverErrors += c.serverErrors
        if c.highest >= 0 {
            slot.latency.add(bucketCounts: counts, through: c.highest, values: c.values, sum: c.sum,
                             minimum: c.minimum, maximum: c.maximum)
            counts.update(repeating: 0, count: c.highest + 1)
        }
        counters.pointee = Counters()
    }

    /// `slot` with these counts added, leaving them here.
    func adding(to slot: Timeline.Slot) -> Timeline.Slot {
        var slot = slot
        copy().drain(into: &slot)
        return slot
    }
}
