import LBLog

/// Requests per time slot: counts, errors and a compact Ta histogram per slot. The slot width starts at
/// the requested interval (or one second) and doubles up a ladder of round widths whenever there would be
/// more than `maxSlots`, so memory stays bounded whatever the time range of the input.
public struct Timeline: Sendable {
    public struct Slot: Sendable {
        public var requests = 0
        public var errors = 0
        public var serverErrors = 0
        public var latency = LogHistogram(precisionBits: Slot.precision)
        static let precision = 5

        mutating func merge(_ o: Slot) {
            requests += o.requests
            errors += o.errors
            serverErrors += o.serverErrors
            latency.merge(o.latency)
        }
    }

    /// Round slot widths (seconds), each a multiple of the one before.
    static let ladder: [Int64] = [1, 2, 10, 30, 60, 300, 900, 1800, 3600, 10800, 21600, 43200, 86400, 604800]

    public private(set) var width: Int64
    public let maxSlots: Int
    public private(set) var slots: [Int64: Int] = [:]
    /// The slots, but for the counts still in `open`.
    private var stored: [Slot] = []
    /// The slots (index by `slots`).
    public var data: [Slot] {
        guard lastIndex >= 0, !open.isEmpty else { return stored }
        var all = stored
        all[lastIndex] = open.adding(to: all[lastIndex])
        return all
    }
    /// Counts for slot `lastIndex` not yet in `stored`.
    private var open = TimelineOpenSlot()
    private var lastKey: Int64 = .min
    /// The last slot used, -1 = none.
    private var lastIndex = -1
    /// Where the last slot used starts (ms); `.max` = none.
    private var lastStart: Int64 = .max

    /// - Parameter width: slot width in milliseconds.
    public init(width: Int64 = 1000, maxSlots: Int = 4096) {
        self.width = max(1, width)
        self.maxSlots = maxSlots
    }

    public mutating func add(date: Int64, latency: Int, isError: Bool, isServerError: Bool) {
        ownOpenSlot()
        addOwned(date: date, latency: latency, isError: isError, isServerError: isServerError)
    }

    /// `add` for a timeline whose open slot is its own (`ownOpenSlot` since it was last copied): the
    /// per-line path of `Aggregator`, which owns it once per run of lines.
    @inline(__always)
    mutating func addOwned(date: Int64, latency: Int, isError: Bool, isServerError: Bool) {
        // Most lines fall in the slot of the line before: no division, no dictionary then.
        if date >= lastStart && date < lastStart &+ width,
           open.add(latency: latency, isError: isError, isServerError: isServerError) { return }
        addToOtherSlot(date: date, latency: latency, isError: isError, isServerError: isServerError)
    }

    /// Makes the open slot this copy's own.
    @inline(__always)
    mutating func ownOpenSlot() {
        if !isKnownUniquelyReferenced(&open) { open = open.copy() }
    }

    /// Moves the open slot's counts into their slot.
    private mutating func drainOpenSlot() {
        ownOpenSlot()
        if lastIndex >= 0 { open.drain(into: &stored[lastIndex]) }
    }

    @inline(never)
    private mutating func addToOtherSlot(date: Int64, latency: Int, isError: Bool, isServerError: Bool) {
        drainOpenSlot()
        let index = slotIndex(date: date)
        if !open.add(latency: latency, isError: isError, isServerError: isServerError) {
            stored[index].requests += 1
            if isError { stored[index].errors += 1 }
            if isServerError { stored[index].serverErrors += 1 }
            stored[index].latency.record(latency)
        }
    }

    /// The slot of `date`, made the last one used (the open slot, which must be empty), re-bucketing
    /// first if it would be one too many.
    private mutating func slotIndex(date: Int64) -> Int {
        while true {
            let key = date >= 0 ? date / width : (date - width + 1) / width
            let index: Int
            if key == lastKey {
                index = lastIndex
            } else if let found = slots[key] {
                index = found
            } else {
                if stored.count >= maxSlots {
                    coarsen()
                    continue
                }
                index = stored.count
                stored.append(Slot())
                slots[key] = index
            }
            lastKey = key
            lastIndex = index
            lastStart = key &* width
            return index
        }
    }

    /// Re-buckets into the next wider round width.
    mutating func coarsen() {
        let seconds = width / 1000
        let next = Self.ladder.first { $0 > seconds && ($0 * 1000) % width == 0 } ?? seconds * 2
        rebucket(to: next * 1000)
    }

    /// Re-buckets to a wider width that is a multiple of the current one.
    public mutating func rebucket(to newWidth: Int64) {
        guard newWidth > width else { return }
        drainOpenSlot()
        let oldWidth = width
        let old = slots.map { ($0.key, stored[$0.value]) }
        width = newWidth
        slots = [:]
        stored = []
        lastKey = .min
        lastIndex = -1
        lastStart = .max
        for (key, slot) in old { insert(slot, atMilliseconds: key * oldWidth) }
    }

    /// Adds a whole slot (the open one must be drained).
    private mutating func insert(_ slot: Slot, atMilliseconds ms: Int64) {
        let key = ms >= 0 ? ms / width : (ms - width + 1) / width
        if let index = slots[key] {
            stored[index].merge(slot)
        } else {
            slots[key] = stored.count
            stored.append(slot)
        }
    }

    public mutating func merge(_ other: Timeline) {
        drainOpenSlot()
        var other = other
        other.drainOpenSlot()
        if other.width > width { rebucket(to: other.width) }
        if width > other.width { other.rebucket(to: width) }
        for (key, index) in other.slots { insert(other.stored[index], atMilliseconds: key * width) }
    }

    /// Slots in time order: (start in ms, slot).
    public var ordered: [(start: Int64, slot: Slot)] {
        let data = self.data
        return slots.sorted { $0.key < $1.key }.map { ($0.key * width, data[$0.value]) }
    }
}
