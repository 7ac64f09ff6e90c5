import Dispatch
import LBLog

extension Report {
    /// The top-URL lists, built from the workers' URL tables without merging them and without a
    /// `String` per URL: only the rows that make a list get their name. A URL is counted once, from the
    /// first table that holds it, with its counters in the later tables added (read-only lookups, so
    /// two threads can share the work: each takes half of every table). Orders as `URLRow` sorting
    /// always did: by the list's key, then requests, then URL (byte order, which is `String` order for
    /// ASCII; other keys compare as `String`s). The best of a union is the best of each half's best.
    static func topURLs(_ tableList: [URLTable], top: Int) -> URLs {
        withExtendedLifetime(tableList) { topURLs(UnretainedTables(tableList), top: top) }
    }

    private static func topURLs(_ tables: UnretainedTables, top: Int) -> URLs {
        defer { tables.deallocate() }
        let halves = (0..<tables.count).reduce(0) { $0 + tables[$1].capacity } >= 1 << 14 ? 2 : 1
        let results = UnsafeMutableBufferPointer<TopURLLists>.allocate(capacity: halves)
        defer { results.deallocate() }
        let output = ResultSlots(results)
        DispatchQueue.concurrentPerform(iterations: halves) { half in
            var all: [TopURLLists.Summary] = []
            all.reserveCapacity((0..<tables.count).reduce(0) { $0 + tables.with($1) { $0.count } } / halves + 16)
            for t in 0..<tables.count { tables.with(t) { table in
                let range = (table.capacity * half / halves)..<(table.capacity * (half + 1) / halves)
                table.forEachCell(in: range) { i, c in
                    guard c.requests > 0 else { return }
                    var s = TopURLLists.Summary(table: t, cell: i, requests: Int(c.requests), errors: Int(c.errors),
                                                totalTime: Int(c.totalTime), maximum: Int(c.maximum))
                    if tables.count > 1, !TopURLLists.addLaterTables(&s, tables) { return }
                    all.append(s)
                }
            } }
            (output.base + half).initialize(to: TopURLLists(all, top: top, tables: tables))
        }
        var merged = results[0]
        for half in 1..<halves { merged = TopURLLists(merging: merged, results[half], top: top, tables: tables) }
        results.baseAddress!.deinitialize(count: halves)
        func rows(_ list: [TopURLLists.Summary]) -> [URLRow] {
            list.map { s in
                URLRow(url: tables[s.table].name(s.cell), requests: s.requests, errors: s.errors, totalTime: s.totalTime,
                       mean: s.requests == 0 ? 0 : Double(s.totalTime) / Double(s.requests),
                       p99: TopURLLists.percentile(s, 99, tables))
            }
        }
        return URLs(distinct: merged.distinct, byCount: rows(merged.byCount), byTotalTime: rows(merged.byTotalTime),
                    byP99: rows(merged.byP99), byErrors: rows(merged.byErrors).filter { $0.errors > 0 })
    }

    static func topURLs(_ table: URLTable, top: Int) -> URLs { topURLs([table], top: top) }
}

/// Where each thread of `topURLs` leaves its half's lists (each writes its own slot).
private struct ResultSlots: @unchecked Sendable {
    let base: UnsafeMutablePointer<TopURLLists>
    init(_ buffer: UnsafeMutableBufferPointer<TopURLLists>) { base = buffer.baseAddress! }
}

/// URL tables reached without reference counting: both threads of `topURLs` look up the same tables
/// for every URL, and retaining a table each time made its reference count's cache line bounce between
/// the cores (a third of the time spent). Whoever makes one keeps the tables alive until `deallocate`.
struct UnretainedTables: @unchecked Sendable {
    private let refs: UnsafeMutableBufferPointer<Unmanaged<URLTable>>

    init(_ tables: [URLTable]) {
        refs = .allocate(capacity: tables.count)
        _ = refs.initialize(from: tables.map { Unmanaged.passUnretained($0) })
    }

    func deallocate() { refs.deallocate() }

    var count: Int { refs.count }

    /// Table `t`, retained (for the few calls outside the per-URL loops).
    subscript(t: Int) -> URLTable { refs[t].takeUnretainedValue() }

    /// Runs `body` on table `t` without retaining it.
    @inline(__always)
    func with<R>(_ t: Int, _ body: (URLTable) -> R) -> R { refs[t]._withUnsafeGuaranteedRef(body) }
}

/// The four top-URL lists of some URLs, and how many URLs there were.
struct TopURLLists {
    struct Summary {
        /// The first table holding the URL, and its cell there.
        var table: Int
        var cell: Int
        var requests: Int
        var errors: Int
        var totalTime: Int
        var maximum: Int
        /// Later tables hold the URL too.
        var isShared = false
        /// Only for the URLs that may rank by p99 (see `byP99`); -1 when there is no Ta.
        var p99 = -1
    }

    var distinct: Int
    var byCount: [Summary], byTotalTime: [Summary], byP99: [Summary], byErrors: [Summary]

    init(_ all: [Summary], top: Int, tables: UnretainedTables) {
        distinct = all.count
        byCount = Self.best(all, top, tables) { $0.requests }
        byTotalTime = Self.best(all, top, tables) { $0.totalTime }
        byP99 = Self.byP99(all, top, tables)
        byErrors = Self.best(all, top, tables) { $0.errors }
    }

    init(merging a: TopURLLists, _ b: TopURLLists, top: Int, tables: UnretainedTables) {
        distinct = a.distinct + b.distinct
        byCount = Self.best(a.byCount + b.byCount, top, tables) { $0.requests }
        byTotalTime = Self.best(a.byTotalTime + b.byTotalTime, top, tables) { $0.totalTime }
        byP99 = Self.best(a.byP99 + b.byP99, top, tables) { $0.p99 }
        byErrors = Self.best(a.byErrors + b.byErrors, top, tables) { $0.errors }
    }

    /// Adds the URL's counters from the tables after `s.table`; false when an earlier table holds it
    /// (it is counted from there).
    static func addLaterTables(_ s: inout Summary, _ tables: UnretainedTables) -> Bool {
        let t = s.table, i = s.cell
        return tables.with(t) { $0.withKey(i) { key in
            let hash = URLTable.hash(key)
            for earlier in 0..<t where tables.with(earlier, { table in table.find(key, hash: hash).map { table.cells[$0].requests > 0 } ?? false }) {
                return false
            }
            for later in (t + 1)..<tables.count {
                guard let c = tables.with(later, { table in table.find(key, hash: hash).map { table.cells[$0] } }) else { continue }
                s.requests += Int(c.requests)
                s.errors += Int(c.errors)
                s.totalTime += Int(c.totalTime)
                s.maximum = Swift.max(s.maximum, Int(c.maximum))
                s.isShared = true
            }
            return true
        } }
    }

    /// The URL's Ta percentile over every table that holds it.
    static func percentile(_ s: Summary, _ p: Double, _ tables: UnretainedTables) -> Int? {
        guard s.isShared else { return tables[s.table].percentile(s.cell, p) }
        let parts: [(table: URLTable, cell: Int)] = tables[s.table].withKey(s.cell) { key in
            let hash = URLTable.hash(key)
            return [(tables[s.table], s.cell)] + ((s.table + 1)..<tables.count).compactMap { later in
                tables[later].find(key, hash: hash).map { (tables[later], $0) }
            }
        }
        return URLTable.percentile(parts, p)
    }

    /// The `top` URLs by p99, computing it only for URLs that can rank: a p99 is never above the
    /// maximum, so the `top` URLs with the largest maxima set a floor (the least of their p99s) that the
    /// last of the list reaches, and any URL in the list has a maximum at or above that floor.
    static func byP99(_ all: [Summary], _ top: Int, _ tables: UnretainedTables) -> [Summary] {
        func withP99(_ s: Summary) -> Summary {
            var s = s
            s.p99 = percentile(s, 99, tables) ?? -1
            return s
        }
        let highest = all.topK(top) { $0.maximum > $1.maximum }
        let floor = highest.count < top ? Int.min : highest.map { withP99($0).p99 }.min() ?? Int.min
        let candidates = all.lazy.filter { $0.maximum >= floor }.map(withP99)
        return best(Array(candidates), top, tables) { $0.p99 }
    }

    static func best(_ all: [Summary], _ top: Int, _ tables: UnretainedTables, _ key: (Summary) -> Int) -> [Summary] {
        all.topK(top) { a, b in
            let ka = key(a), kb = key(b)
            if ka != kb { return ka > kb }
            if a.requests != b.requests { return a.requests > b.requests }
            return URLTable.keyPrecedes(tables[a.table], a.cell, tables[b.table], b.cell)
        }
    }
}

extension URLTable {
    /// `name(a) < name(b)` without building the strings when both keys are ASCII.
    func keyPrecedes(_ a: Int, _ b: Int) -> Bool { Self.keyPrecedes(self, a, self, b) }

    /// `name(a) < name(b)` for cells of two tables.
    static func keyPrecedes(_ tableA: URLTable, _ a: Int, _ tableB: URLTable, _ b: Int) -> Bool {
        tableA.withKey(a) { ka in
            tableB.withKey(b) { kb in
                var ascii = true
                for i in 0..<ka.count where ka[i] >= 0x80 { ascii = false; break }
                if ascii { for i in 0..<kb.count where kb[i] >= 0x80 { ascii = false; break } }
                guard ascii else { return ka.string < kb.string }
                return ka.buffer.lexicographicallyPrecedes(kb.buffer)
            }
        }
    }
}
