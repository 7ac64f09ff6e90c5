import LBLog

/// Requests per time slot: counts, errors and a compact Ta histogram per slot. The slot width starts at
/// the requested interval (or one second) and doubles up a ladder of round widths whenever there would be
/// more than `maxSlots`, so memory stays bounded whatever the time range of the input.
public struct Timeline: Sendable {
    public struct Slot: Sendable {
        public var requests = 0
        public var errors = 0
        public var serverErrors = 0
        public var latency = LogHistogram(precisionBits: 5)

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
    public private(set) var data: [Slot] = []
    private var lastKey: Int64 = .min
    private var lastIndex = 0
    /// Where the last slot used starts (ms); `.max` = none.
    private var lastStart: Int64 = .max

    /// - Parameter width: slot width in milliseconds.
    public init(width: Int64 = 1000, maxSlots: Int = 4096) {
        self.width = max(1, width)
        self.maxSlots = maxSlots
    }

    @inline(__always)
    public mutating func add(date: Int64, latency: Int, isError: Bool, isServerError: Bool) {
        // Most lines fall in the slot of the line before: no division then.
        let index: Int
        if date >= lastStart && date < lastStart &+ width {
            index = lastIndex
        } else {
            index = slotIndex(date: date, latency: latency, isError: isError, isServerError: isServerError)
            if index < 0 { return }
        }
        data[index].requests += 1
        if isError { data[index].errors += 1 }
        if isServerError { data[index].serverErrors += 1 }
        if latency >= 0 { data[index].latency.record(latency) }
    }

    /// The slot of `date` (made the last one used), or -1 after re-bucketing, when the value was added
    /// by the call it made.
    @inline(never)
    private mutating func slotIndex(date: Int64, latency: Int, isError: Bool, isServerError: Bool) -> Int {
        let key = date >= 0 ? date / width : (date - width + 1) / width
        let index: Int
        if key == lastKey {
            index = lastIndex
        } else if let found = slots[key] {
            index = found
            lastKey = key
            lastIndex = found
        } else {
            if data.count >= maxSlots {
                coarsen()
                add(date: date, latency: latency, isError: isError, isServerError: isServerError)
                return -1
            }
            index = data.count
            data.append(Slot())
            slots[key] = index
            lastKey = key
            lastIndex = index
        }
        lastStart = key &* width
        return index
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
        let oldWidth = width
        let old = slots.map { ($0.key, data[$0.value]) }
        width = newWidth
        slots = [:]
        data = []
        lastKey = .min
        lastStart = .max
        for (key, slot) in old { insert(slot, atMilliseconds: key * oldWidth) }
    }

    mutating func insert(_ slot: Slot, atMilliseconds ms: Int64) {
        let key = ms >= 0 ? ms / width : (ms - width + 1) / width
        if let index = slots[key] {
            data[index].merge(slot)
        } else {
            slots[key] = data.count
            data.append(slot)
        }
    }

    public mutating func merge(_ other: Timeline) {
        var other = other
        if other.width > width { rebucket(to: other.width) }
        if width > other.width { other.rebucket(to: width) }
        for (key, index) in other.slots { insert(other.data[index], atMilliseconds: key * width) }
    }

    /// Slots in time order: (start in ms, slot).
    public var ordered: [(start: Int64, slot: Slot)] {
        slots.sorted { $0.key < $1.key }.map { ($0.key * width, data[$0.value]) }
    }
}
