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
            var lists = TopURLLists(top: top, tables: tables)
            for t in 0..<tables.count { tables.with(t) { table in
                let range = (table.capacity * half / halves)..<(table.capacity * (half + 1) / halves)
                table.forEachCell(in: range) { i, c in
                    guard c.requests > 0 else { return }
                    var s = TopURLLists.Summary(table: t, cell: i, requests: Int(c.requests), errors: Int(c.errors),
                                                totalTime: Int(c.totalTime), maximum: Int(c.maximum))
                    if tables.count > 1, !TopURLLists.addLaterTables(&s, tables) { return }
                    lists.offer(s)
                }
            } }
            (output.base + half).initialize(to: lists)
        }
        var merged = results[0]
        for half in 1..<halves { merged.merge(results[half]) }
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
}

/// Where each thread of `topURLs` leaves its half's lists (each writes its own slot).
private struct ResultSlots: @unchecked Sendable {
    let base: UnsafeMutablePointer<TopURLLists>
    init(_ buffer: UnsafeMutableBufferPointer<TopURLLists>) { base = buffer.baseAddress! }
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

    let top: Int
    let tables: UnretainedTables
    /// URLs offered.
    private(set) var distinct = 0
    private(set) var byCount: [Summary] = [], byTotalTime: [Summary] = [], byP99: [Summary] = [], byErrors: [Summary] = []

    init(top: Int, tables: UnretainedTables) {
        self.top = top
        self.tables = tables
    }

    /// Counts a URL and keeps it in each list it ranks in. Its p99 is computed only when it can rank
    /// by p99: a p99 is never above the maximum, so a URL whose maximum is below the p99 of the
    /// list's last is left out without it.
    mutating func offer(_ s: Summary) {
        distinct += 1
        Self.keep(s, in: &byCount, top: top, tables: tables) { $0.requests }
        Self.keep(s, in: &byTotalTime, top: top, tables: tables) { $0.totalTime }
        Self.keep(s, in: &byErrors, top: top, tables: tables) { $0.errors }
        if top > 0, byP99.count < top || s.maximum >= byP99[byP99.count - 1].p99 {
            var s = s
            s.p99 = Self.percentile(s, 99, tables) ?? -1
            Self.keep(s, in: &byP99, top: top, tables: tables) { $0.p99 }
        }
    }

    /// Adds another part's URLs (none of them counted here).
    mutating func merge(_ other: TopURLLists) {
        distinct += other.distinct
        for s in other.byCount { Self.keep(s, in: &byCount, top: top, tables: tables) { $0.requests } }
        for s in other.byTotalTime { Self.keep(s, in: &byTotalTime, top: top, tables: tables) { $0.totalTime } }
        for s in other.byErrors { Self.keep(s, in: &byErrors, top: top, tables: tables) { $0.errors } }
        for s in other.byP99 { Self.keep(s, in: &byP99, top: top, tables: tables) { $0.p99 } }
    }

    /// Inserts `s` in `list` (best first, at most `top`) if it ranks: by `key`, then requests, then URL.
    /// (Static: as a method it would have copied the whole struct, four arrays, for every URL, since
    /// `list` is one of its properties.)
    @inline(__always)
    private static func keep(_ s: Summary, in list: inout [Summary], top: Int, tables: UnretainedTables,
                             _ key: (Summary) -> Int) {
        func precedes(_ a: Summary, _ b: Summary) -> Bool {
            let ka = key(a), kb = key(b)
            if ka != kb { return ka > kb }
            if a.requests != b.requests { return a.requests > b.requests }
            return tables.with(a.table) { ta in tables.with(b.table) { tb in URLTable.keyPrecedes(ta, a.cell, tb, b.cell) } }
        }
        guard top > 0 else { return }
        if list.count == top && !precedes(s, list[top - 1]) { return }
        var i = list.count
        while i > 0 && precedes(s, list[i - 1]) { i -= 1 }
        list.insert(s, at: i)
        if list.count > top { list.removeLast() }
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
        guard s.isShared else { return tables.with(s.table) { $0.percentile(s.cell, p) } }
        let parts: [(table: URLTable, cell: Int)] = tables[s.table].withKey(s.cell) { key in
            let hash = URLTable.hash(key)
            return [(tables[s.table], s.cell)] + ((s.table + 1)..<tables.count).compactMap { later in
                tables[later].find(key, hash: hash).map { (tables[later], $0) }
            }
        }
        return URLTable.percentile(parts, p)
    }
}

extension URLTable {
    /// `name(a) < name(b)` for cells of two tables, without building the strings when both keys are
    /// ASCII.
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
