import LBLog

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses lines and accounts for them in batches of 16, three batches in flight: when a batch is full,
/// the oldest one is added to the aggregate (its URL cells and counters were loaded earlier), the
/// middle one looks up its URL cells, and the new one hashes its URLs and loads their first cells.
/// Lines are added in reading order. `flush` finishes every batch in flight: call it before the lines'
/// bytes go away.
///
/// A struct used `inout`, over buffers owned by `Storage`: its per-line counters are then plain stored
/// properties, without the dynamic exclusivity checks a class's properties pay on every access.
struct LineBatch {
    static let size = 16
    static let depth = 3

    /// The batch buffers (freed with it).
    final class Storage {
        let entries: UnsafeMutablePointer<LogEntry>
        let outcomes: UnsafeMutablePointer<LineOutcome>
        let starts: UnsafeMutablePointer<UnsafePointer<UInt8>>
        let lengths: UnsafeMutablePointer<Int>
        let keys: UnsafeMutablePointer<ByteSlice>
        let hashes: UnsafeMutablePointer<UInt64>
        let ids: UnsafeMutablePointer<Int32>
        /// Lines in each slot, then how far each has gone (0 parsing, 1 hashed, 2 looked up).
        let counts: UnsafeMutablePointer<Int>

        init() {
            let n = LineBatch.size * LineBatch.depth
            entries = .allocate(capacity: n)
            entries.initialize(repeating: LogEntry(), count: n)
            outcomes = .allocate(capacity: n)
            outcomes.initialize(repeating: .blank, count: n)
            starts = .allocate(capacity: n)
            lengths = .allocate(capacity: n)
            lengths.initialize(repeating: 0, count: n)
            keys = .allocate(capacity: n)
            keys.initialize(repeating: .empty, count: n)
            hashes = .allocate(capacity: n)
            hashes.initialize(repeating: 0, count: n)
            ids = .allocate(capacity: n)
            ids.initialize(repeating: -1, count: n)
            counts = .allocate(capacity: 2 * LineBatch.depth)
            counts.initialize(repeating: 0, count: 2 * LineBatch.depth)
        }

        deinit {
            let n = LineBatch.size * LineBatch.depth
            entries.deinitialize(count: n)
            entries.deallocate()
            outcomes.deinitialize(count: n)
            outcomes.deallocate()
            starts.deallocate()
            lengths.deallocate()
            keys.deallocate()
            hashes.deallocate()
            ids.deallocate()
            counts.deallocate()
        }
    }

    let parser: LogLineParser
    private let storage: Storage
    private let entries: UnsafeMutablePointer<LogEntry>
    private let outcomes: UnsafeMutablePointer<LineOutcome>
    private let starts: UnsafeMutablePointer<UnsafePointer<UInt8>>
    private let lengths: UnsafeMutablePointer<Int>
    private let keys: UnsafeMutablePointer<ByteSlice>
    private let hashes: UnsafeMutablePointer<UInt64>
    private let ids: UnsafeMutablePointer<Int32>
    private let counts: UnsafeMutablePointer<Int>
    private let stages: UnsafeMutablePointer<Int>
    /// The slot being filled; the next one is the oldest.
    private var current = 0
    private var task = 0
    /// Lines parsed in this task, and lines added to the aggregate.
    private(set) var lineNumber = 0
    private var addedLines = 0

    init(parser: LogLineParser) {
        self.parser = parser
        storage = Storage()
        entries = storage.entries
        outcomes = storage.outcomes
        starts = storage.starts
        lengths = storage.lengths
        keys = storage.keys
        hashes = storage.hashes
        ids = storage.ids
        counts = storage.counts
        stages = storage.counts + LineBatch.depth
    }

    /// Starts a run of lines of `task` (a work unit or stream block) into `aggregate`.
    mutating func begin(task: Int, into aggregate: inout Aggregator) {
        aggregate.ownSharedState()
        self.task = task
        lineNumber = 0
        addedLines = 0
        counts.update(repeating: 0, count: 2 * Self.depth)
        current = 0
    }

    @inline(__always)
    mutating func add(_ p: UnsafePointer<UInt8>, _ n: Int, into aggregate: inout Aggregator) {
        let k = current &* Self.size &+ counts[current]
        outcomes[k] = parser.parse(p, count: n, into: &entries[k])
        starts[k] = p
        lengths[k] = n
        counts[current] += 1
        lineNumber += 1
        if counts[current] == Self.size { advance(into: &aggregate) }
    }

    /// Moves every batch one stage on and starts filling the slot the oldest batch leaves.
    private mutating func advance(into aggregate: inout Aggregator) {
        let oldest = (current + 1) % Self.depth, middle = (current + 2) % Self.depth
        if counts[oldest] > 0 { account(oldest, into: &aggregate) }
        if counts[middle] > 0 && stages[middle] == 1 { lookUp(middle, into: &aggregate) }
        hash(current, into: &aggregate)
        current = oldest
    }

    private func hash(_ slot: Int, into aggregate: inout Aggregator) {
        let base = slot * Self.size
        aggregate.hashURLs(entries + base, outcomes + base, counts[slot], keys: keys + base, hashes: hashes + base, ids: ids + base)
        stages[slot] = 1
    }

    private func lookUp(_ slot: Int, into aggregate: inout Aggregator) {
        let base = slot * Self.size
        aggregate.lookUpURLs(entries + base, counts[slot], keys: keys + base, hashes: hashes + base, ids: ids + base)
        stages[slot] = 2
    }

    private mutating func account(_ slot: Int, into aggregate: inout Aggregator) {
        if stages[slot] < 1 { hash(slot, into: &aggregate) }
        if stages[slot] < 2 { lookUp(slot, into: &aggregate) }
        let base = slot * Self.size
        for k in base..<(base + counts[slot]) {
            addedLines += 1
            aggregate.add(outcome: outcomes[k], entryAt: entries + k, line: starts[k], count: lengths[k], unit: task,
                          lineNumber: addedLines, urlID: ids[k])
        }
        counts[slot] = 0
        stages[slot] = 0
    }

    /// Adds every line parsed so far, oldest batch first.
    mutating func flush(into aggregate: inout Aggregator) {
        for step in 1...Self.depth {
            let slot = (current + step) % Self.depth
            if counts[slot] > 0 { account(slot, into: &aggregate) }
        }
        current = 0
    }

    /// Parses a block of whole lines (the last one may lack its newline); returns the line count.
    mutating func run(_ base: UnsafePointer<UInt8>, count: Int, task: Int, into aggregate: inout Aggregator) -> Int {
        begin(task: task, into: &aggregate)
        var start = 0
        while start < count {
            let rest = count - start
            if let nl = memchr(base + start, 0x0A, rest) {
                let at = UnsafeRawPointer(nl).assumingMemoryBound(to: UInt8.self) - base
                add(base + start, at - start, into: &aggregate)
                start = at + 1
            } else {
                add(base + start, rest, into: &aggregate)
                start = count
            }
        }
        flush(into: &aggregate)
        return lineNumber
    }
}
