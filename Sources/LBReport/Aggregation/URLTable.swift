import CPrefetch
import LBLog

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The per-URL state of a report (requests, errors, Σ Ta, p99), for hundreds of thousands of URLs:
/// open addressing over 64-byte `URLCell`s, so a request usually costs one cache miss for its URL
/// (keys of up to 24 bytes live in the cell; longer ones in `arena`). Cells move when the table grows:
/// a cell index is valid until the next insertion that grows it (`reserve` first to insert several).
///
/// A reference type so the hot loop pays no copy-on-write check per access; `Aggregator` copies it
/// (`copy()`) before mutating a shared one. One per worker; `merge` folds another worker's table in.
final class URLTable: @unchecked Sendable {
    /// What every lookup reads, kept behind a pointer: a class's stored `var`s pay a dynamic
    /// exclusivity check on each access.
    private struct Hot {
        var cells: UnsafeMutablePointer<URLCell>
        var capacity: Int
        var count = 0
        /// Dense blocks live in chunks of `chunkBlocks`, never moved: growing copies nothing.
        var chunks: UnsafeMutablePointer<UnsafeMutablePointer<UInt16>>?
        /// Keys longer than `URLCell.inlineKeyCapacity`. (Here rather than a stored property: every
        /// lookup that may compare a long key would pay a dynamic exclusivity check on it.)
        var arena: [UInt8] = []
    }
    private let hot: UnsafeMutablePointer<Hot>

    private(set) var cells: UnsafeMutablePointer<URLCell> {
        @inline(__always) get { hot.pointee.cells }
        set { hot.pointee.cells = newValue }
    }
    /// Cells allocated, a power of two; `count` is kept at or under 5/8 of it.
    private(set) var capacity: Int {
        @inline(__always) get { hot.pointee.capacity }
        set { hot.pointee.capacity = newValue }
    }
    private(set) var count: Int {
        @inline(__always) get { hot.pointee.count }
        set { hot.pointee.count = newValue }
    }
    private var arena: [UInt8] {
        @inline(__always) get { hot.pointee.arena }
        set { hot.pointee.arena = newValue }
    }
    /// Blocks of `URLCell.buckets` counters for URLs seen more than a dozen times (`PageMemory`).
    /// 8192 blocks of 256 bytes: 2 MiB a chunk.
    static let chunkShift = 13
    private(set) var denseBlocks = 0
    private var chunkCount = 0
    private var chunkCapacity = 0

    /// The counters of dense block `block`.
    @inline(__always)
    func dense(_ block: Int) -> UnsafeMutablePointer<UInt16> {
        hot.pointee.chunks.unsafelyUnwrapped[block &>> Self.chunkShift] + (block & ((1 << Self.chunkShift) - 1)) &* URLCell.buckets
    }
    /// Dense blocks with a bucket that would overflow 16 bits, marked by `UInt16.max` in their first
    /// counter, keep a full histogram here instead.
    private var heavy: [Int: LogHistogram] = [:]

    init(capacity: Int = 64) {
        var size = 64
        while size < capacity { size <<= 1 }
        hot = .allocate(capacity: 1)
        hot.initialize(to: Hot(cells: Self.allocateCells(size), capacity: size))
    }

    deinit {
        Self.freeCells(cells, capacity)
        if let chunks = hot.pointee.chunks {
            for c in 0..<chunkCount { PageMemory.unmap(chunks[c], Self.chunkBytes) }
            chunks.deallocate()
        }
        hot.deinitialize(count: 1)
        hot.deallocate()
    }

    private static func allocateCells(_ n: Int) -> UnsafeMutablePointer<URLCell> {
        precondition(MemoryLayout<URLCell>.stride == 64 && MemoryLayout<URLCell>.offset(of: \.key) == URLCell.keyOffset)
        return PageMemory.map(n * 64).bindMemory(to: URLCell.self, capacity: n)
    }

    private static func freeCells(_ cells: UnsafeMutablePointer<URLCell>, _ n: Int) {
        PageMemory.unmap(UnsafeMutableRawPointer(cells), n * 64)
    }

    func copy() -> URLTable {
        let other = URLTable(capacity: capacity)
        other.cells.update(from: cells, count: capacity)
        other.count = count
        other.arena = arena
        for block in 0..<denseBlocks {
            other.appendDenseBlock().update(from: dense(block), count: URLCell.buckets)
        }
        other.heavy = heavy
        return other
    }

    // MARK: lookup

    @inline(__always)
    static func hash(_ key: ByteSlice) -> UInt64 { ByteInterner.hash(key.base, key.count) }

    /// Makes room for `extra` insertions without the table growing (so indexes stay valid).
    @inline(__always)
    func reserve(_ extra: Int) {
        if (count + extra) * 8 > capacity * 5 { grow(for: count + extra) }
    }

    /// Prefetches the first two cells a key with this hash probes (at the loads it runs at, half the
    /// lookups go on to the next cell), so a batch of lookups overlaps its misses.
    @inline(__always)
    func prefetch(hash h: UInt64) {
        let mask = capacity &- 1
        let i = Int(truncatingIfNeeded: h) & mask
        lb_prefetch(cells + i)
        lb_prefetch(cells + ((i &+ 1) & mask))
    }

    /// The cell of `key`, a new empty one (state `.list`, no requests) if it was not there. Call
    /// `reserve` first.
    @inline(__always)
    func index(of key: ByteSlice, hash h: UInt64) -> Int {
        let (i, found) = probe(key, hash: h)
        if !found { insert(key, tag: UInt32(truncatingIfNeeded: h >> 32), at: i) }
        return i
    }

    /// The cell of `key`, or nil: never inserts, so several threads may look up a table nothing writes.
    func find(_ key: ByteSlice, hash h: UInt64) -> Int? {
        let (i, found) = probe(key, hash: h)
        return found ? i : nil
    }

    /// The cell holding `key`, or the empty cell where it would go.
    @inline(__always)
    private func probe(_ key: ByteSlice, hash h: UInt64) -> (index: Int, found: Bool) {
        let tag = UInt32(truncatingIfNeeded: h >> 32)
        let short = UInt16(truncatingIfNeeded: Swift.min(key.count, Int(UInt16.max)))
        let mask = capacity - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let c = cells + i
            if c.pointee.state == .empty { return (i, false) }
            if c.pointee.tag == tag, c.pointee.keyLength == short, matches(c, key) { return (i, true) }
            i = (i + 1) & mask
        }
    }

    func index(of key: ByteSlice) -> Int {
        reserve(1)
        return index(of: key, hash: Self.hash(key))
    }

    @inline(__always)
    private func matches(_ c: UnsafeMutablePointer<URLCell>, _ key: ByteSlice) -> Bool {
        if key.count == 0 { return true }
        if key.count <= URLCell.inlineKeyCapacity {
            return ByteInterner.same(UnsafeRawPointer(c) + URLCell.keyOffset, UnsafeRawPointer(key.base!), key.count)
        }
        guard Int(c.pointee.key.1) == key.count else { return false }
        return hot.pointee.arena.withUnsafeBufferPointer {
            ByteInterner.same(UnsafeRawPointer($0.baseAddress! + Int(c.pointee.key.0)), UnsafeRawPointer(key.base!), key.count)
        }
    }

    @inline(never)
    private func insert(_ key: ByteSlice, tag: UInt32, at i: Int) {
        var cell = URLCell()
        cell.tag = tag
        cell.keyLength = UInt16(truncatingIfNeeded: Swift.min(key.count, Int(UInt16.max)))
        cell.state = .list
        if key.count <= URLCell.inlineKeyCapacity {
            if key.count > 0 {
                withUnsafeMutableBytes(of: &cell.key) { $0.baseAddress!.copyMemory(from: key.base!, byteCount: key.count) }
            }
        } else {
            cell.key = (UInt64(arena.count), UInt64(key.count), 0)
            hot.pointee.arena.append(contentsOf: key.buffer)
        }
        cells[i] = cell
        count += 1
    }

    /// The key of an occupied cell.
    func withKey<R>(_ i: Int, _ body: (ByteSlice) -> R) -> R {
        let c = cells + i
        if c.pointee.isInline {
            let p = (UnsafeRawPointer(c) + URLCell.keyOffset).assumingMemoryBound(to: UInt8.self)
            return body(ByteSlice(base: p, count: Int(c.pointee.keyLength)))
        }
        return arena.withUnsafeBufferPointer {
            body(ByteSlice(base: $0.baseAddress! + Int(c.pointee.key.0), count: Int(c.pointee.key.1)))
        }
    }

    func name(_ i: Int) -> String { withKey(i) { $0.string } }

    private func grow(for needed: Int) {
        var size = capacity * 2
        while needed * 8 > size * 5 { size *= 2 }
        let old = cells, oldCapacity = capacity
        cells = Self.allocateCells(size)
        capacity = size
        let mask = size - 1
        for j in 0..<oldCapacity where old[j].state != .empty {
            let h = withKeyOf(old + j) { Self.hash($0) }
            var i = Int(truncatingIfNeeded: h) & mask
            while cells[i].state != .empty { i = (i + 1) & mask }
            cells[i] = old[j]
        }
        Self.freeCells(old, oldCapacity)
    }

    private func withKeyOf<R>(_ c: UnsafeMutablePointer<URLCell>, _ body: (ByteSlice) -> R) -> R {
        if c.pointee.isInline {
            let p = (UnsafeRawPointer(c) + URLCell.keyOffset).assumingMemoryBound(to: UInt8.self)
            return body(ByteSlice(base: p, count: Int(c.pointee.keyLength)))
        }
        return arena.withUnsafeBufferPointer {
            body(ByteSlice(base: $0.baseAddress! + Int(c.pointee.key.0), count: Int(c.pointee.key.1)))
        }
    }

    /// Occupied cells, in table order.
    func forEachCell(_ body: (Int, URLCell) -> Void) {
        forEachCell(in: 0..<capacity, body)
    }

    /// Occupied cells among `range` (cell indexes), in table order.
    func forEachCell(in range: Range<Int>, _ body: (Int, URLCell) -> Void) {
        let cells = self.cells
        for i in range where cells[i].state != .empty { body(i, cells[i]) }
    }

    // MARK: recording

    /// Prefetches the counter `add` will update for this latency.
    @inline(__always)
    func prefetch(cell i: Int, latency: Int) {
        guard latency >= 0, cells[i].state == .dense else { return }
        lb_prefetch_for_write(dense(cells[i].denseBlock) + URLCell.bucket(latency))
    }

    /// One request for the URL in cell `i`; `latency` (Ta) -1 when unknown.
    @inline(__always)
    func add(cell i: Int, latency: Int, isError: Bool) {
        let c = cells + i
        c.pointee.requests &+= 1
        if isError { c.pointee.errors &+= 1 }
        guard latency >= 0 else { return }
        c.pointee.totalTime &+= UInt64(latency)
        if latency > c.pointee.maximum { c.pointee.maximum = Int32(clamping: latency) }
        let b = URLCell.bucket(latency)
        if c.pointee.state == .list && Int(c.pointee.listCount) < URLCell.listCapacity {
            c.pointee.appendToList(b)
            return
        }
        addDense(i, bucket: b, value: latency)
    }

    @inline(never)
    private func addDense(_ i: Int, bucket b: Int, value: Int) {
        if cells[i].state == .list { makeDense(i) }
        let block = cells[i].denseBlock
        let base = dense(block)
        if base[0] == UInt16.max || base[b] >= UInt16.max - 1 {
            var h = histogram(i)
            h.record(value)
            makeHeavy(block, h)
            return
        }
        base[b] += 1
    }

    /// Moves a listed URL's values to a dense block of its own.
    private func makeDense(_ i: Int) {
        let block = denseBlocks
        let base = appendDenseBlock()
        for k in 0..<Int(cells[i].listCount) { base[cells[i].listBucket(k)] += 1 }
        cells[i].state = .dense
        cells[i].listCount = 0
        cells[i].list = (UInt32(block), 0, 0)
    }

    static let chunkBytes = (1 << chunkShift) * URLCell.buckets * 2

    /// A new zeroed dense block (its index is the old `denseBlocks`).
    private func appendDenseBlock() -> UnsafeMutablePointer<UInt16> {
        let block = denseBlocks
        if block >> Self.chunkShift == chunkCount {
            if chunkCount == chunkCapacity {
                chunkCapacity = Swift.max(16, chunkCapacity * 2)
                let bigger = UnsafeMutablePointer<UnsafeMutablePointer<UInt16>>.allocate(capacity: chunkCapacity)
                if let chunks = hot.pointee.chunks {
                    bigger.moveInitialize(from: chunks, count: chunkCount)
                    chunks.deallocate()
                }
                hot.pointee.chunks = bigger
            }
            let chunk = PageMemory.map(Self.chunkBytes).bindMemory(to: UInt16.self, capacity: Self.chunkBytes / 2)
            (hot.pointee.chunks! + chunkCount).initialize(to: chunk)
            chunkCount += 1
        }
        denseBlocks += 1
        return dense(block)
    }

    private func makeHeavy(_ block: Int, _ h: LogHistogram) {
        heavy[block] = h
        let base = dense(block)
        base.update(repeating: 0, count: URLCell.buckets)
        base[0] = UInt16.max
    }

    /// The cell's bucket counts (`URLCell.buckets` of them), or nil for a heavy URL.
    private func counts(_ i: Int) -> [UInt16]? {
        var out = [UInt16](repeating: 0, count: URLCell.buckets)
        switch cells[i].state {
        case .empty: break
        case .list:
            for k in 0..<Int(cells[i].listCount) { out[cells[i].listBucket(k)] += 1 }
        case .dense:
            let base = dense(cells[i].denseBlock)
            if base[0] == UInt16.max { return nil }
            for b in 0..<URLCell.buckets { out[b] = base[b] }
        }
        return out
    }

    /// The URL's values as a histogram: each at its bucket's low end, the largest at the true maximum.
    func histogram(_ i: Int) -> LogHistogram {
        guard let counts = counts(i) else { return heavy[cells[i].denseBlock]! }
        var h = LogHistogram(precisionBits: URLCell.precision)
        let maximum = Int(cells[i].maximum)
        var highest = -1
        for b in 0..<URLCell.buckets where counts[b] != 0 { highest = b }
        for b in 0...Swift.max(highest, 0) where highest >= 0 {
            let n = Int(counts[b])
            if n == 0 { continue }
            let low = Swift.min(LogHistogram.range(of: b, precisionBits: URLCell.precision).low, maximum)
            if b == highest {
                h.record(low, times: n - 1)
                h.record(maximum)
            } else {
                h.record(low, times: n)
            }
        }
        return h
    }

    /// Nearest-rank percentile of the URL's Ta: the high end of the bucket holding that rank, never
    /// above the maximum. nil when no request had a Ta.
    func percentile(_ i: Int, _ p: Double) -> Int? {
        let cell = cells[i]
        let maximum = Int(cell.maximum)
        if cell.state == .list {
            let total = Int(cell.listCount)
            guard total > 0 else { return nil }
            let rank = Self.rank(p, total)
            // The largest value's bucket holds the top rank (buckets grow with values): p99 of up to 12.
            if rank == total { return Swift.min(LogHistogram.range(of: URLCell.bucket(maximum), precisionBits: URLCell.precision).high, maximum) }
            // The rank-th smallest of at most 12 bucket indexes.
            var sorted = (UInt64(0), UInt64(0))
            let n = withUnsafeMutableBytes(of: &sorted) { out -> Int in
                for k in 0..<total {
                    let v = UInt8(truncatingIfNeeded: cell.listBucket(k))
                    var j = k
                    while j > 0 && out[j - 1] > v {
                        out[j] = out[j - 1]
                        j -= 1
                    }
                    out[j] = v
                }
                return Int(out[rank - 1])
            }
            return Swift.min(LogHistogram.range(of: n, precisionBits: URLCell.precision).high, maximum)
        }
        let block = cell.denseBlock
        let base = dense(block)
        if base[0] == UInt16.max { return heavy[block]!.percentile(p) }
        var total = 0
        for b in 0..<URLCell.buckets { total += Int(base[b]) }
        guard total > 0 else { return nil }
        let rank = Self.rank(p, total)
        var cumulative = 0
        for b in 0..<URLCell.buckets {
            cumulative += Int(base[b])
            if cumulative >= rank { return Swift.min(LogHistogram.range(of: b, precisionBits: URLCell.precision).high, maximum) }
        }
        return maximum
    }

    /// Nearest-rank percentile of one URL's Ta from its cells in several tables (workers that each saw
    /// some of its requests): what one table holding all of them reports, without building it.
    static func percentile(_ parts: [(table: URLTable, cell: Int)], _ p: Double) -> Int? {
        if parts.count == 1 { return parts[0].table.percentile(parts[0].cell, p) }
        var counts = [Int](repeating: 0, count: URLCell.buckets)
        var maximum = -1
        for (table, i) in parts {
            let cell = table.cells[i]
            maximum = Swift.max(maximum, Int(cell.maximum))
            switch cell.state {
            case .empty: break
            case .list:
                for k in 0..<Int(cell.listCount) { counts[cell.listBucket(k)] += 1 }
            case .dense:
                let base = table.dense(cell.denseBlock)
                if base[0] == UInt16.max {
                    // A heavy URL keeps a full histogram: combine as histograms.
                    var h = LogHistogram(precisionBits: URLCell.precision)
                    for (t, j) in parts { h.merge(t.histogram(j)) }
                    return h.percentile(p)
                }
                for b in 0..<URLCell.buckets { counts[b] += Int(base[b]) }
            }
        }
        let total = counts.reduce(0, +)
        guard total > 0 else { return nil }
        let rank = Self.rank(p, total)
        var cumulative = 0
        for b in 0..<URLCell.buckets {
            cumulative += counts[b]
            if cumulative >= rank { return Swift.min(LogHistogram.range(of: b, precisionBits: URLCell.precision).high, maximum) }
        }
        return maximum
    }

    @inline(__always)
    private static func rank(_ p: Double, _ total: Int) -> Int {
        Swift.max(1, Swift.min(total, Int((p / 100 * Double(total) - 1e-9).rounded(.up))))
    }
}
