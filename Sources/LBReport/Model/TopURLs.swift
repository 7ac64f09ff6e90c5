import Dispatch
import LBLog

extension Report {
    /// The top-URL lists, built from the URL table without a `String` per URL: only the rows that make a
    /// list get their name. Orders as `URLRow` sorting always did: by the list's key, then requests, then
    /// URL (byte order, which is `String` order for ASCII; other keys compare as `String`s). Two halves
    /// of the table are ranked on two threads; the best of a union is the best of each half's best.
    static func topURLs(_ table: URLTable, top: Int) -> URLs {
        let halves = table.capacity >= 1 << 14 ? 2 : 1
        let results = UnsafeMutableBufferPointer<TopURLLists>.allocate(capacity: halves)
        defer { results.deallocate() }
        let output = ResultSlots(results)
        DispatchQueue.concurrentPerform(iterations: halves) { half in
            let range = (table.capacity * half / halves)..<(table.capacity * (half + 1) / halves)
            var all: [TopURLLists.Summary] = []
            all.reserveCapacity(table.count / halves + 16)
            table.forEachCell(in: range) { i, c in
                guard c.requests > 0 else { return }
                all.append(.init(cell: i, requests: Int(c.requests), errors: Int(c.errors), totalTime: Int(c.totalTime),
                                 maximum: Int(c.maximum)))
            }
            (output.base + half).initialize(to: TopURLLists(all, top: top, table: table))
        }
        var merged = results[0]
        for half in 1..<halves { merged = TopURLLists(merging: merged, results[half], top: top, table: table) }
        results.baseAddress!.deinitialize(count: halves)
        func rows(_ list: [TopURLLists.Summary]) -> [URLRow] {
            list.map { s in
                URLRow(url: table.name(s.cell), requests: s.requests, errors: s.errors, totalTime: s.totalTime,
                       mean: s.requests == 0 ? 0 : Double(s.totalTime) / Double(s.requests), p99: table.percentile(s.cell, 99))
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
        var cell: Int
        var requests: Int
        var errors: Int
        var totalTime: Int
        var maximum: Int
        /// Only for the URLs that may rank by p99 (see `byP99`); -1 when there is no Ta.
        var p99 = -1
    }

    var distinct: Int
    var byCount: [Summary], byTotalTime: [Summary], byP99: [Summary], byErrors: [Summary]

    init(_ all: [Summary], top: Int, table: URLTable) {
        distinct = all.count
        byCount = Self.best(all, top, table) { $0.requests }
        byTotalTime = Self.best(all, top, table) { $0.totalTime }
        byP99 = Self.byP99(all, top, table)
        byErrors = Self.best(all, top, table) { $0.errors }
    }

    /// The `top` URLs by p99, computing it only for URLs that can rank: a p99 is never above the
    /// maximum, so the `top` URLs with the largest maxima set a floor (the least of their p99s) that the
    /// last of the list reaches, and any URL in the list has a maximum at or above that floor.
    static func byP99(_ all: [Summary], _ top: Int, _ table: URLTable) -> [Summary] {
        func withP99(_ s: Summary) -> Summary {
            var s = s
            s.p99 = table.percentile(s.cell, 99) ?? -1
            return s
        }
        let highest = all.topK(top) { $0.maximum > $1.maximum }
        let floor = highest.count < top ? Int.min : highest.map { withP99($0).p99 }.min() ?? Int.min
        let candidates = all.lazy.filter { $0.maximum >= floor }.map(withP99)
        return best(Array(candidates), top, table) { $0.p99 }
    }

    init(merging a: TopURLLists, _ b: TopURLLists, top: Int, table: URLTable) {
        distinct = a.distinct + b.distinct
        byCount = Self.best(a.byCount + b.byCount, top, table) { $0.requests }
        byTotalTime = Self.best(a.byTotalTime + b.byTotalTime, top, table) { $0.totalTime }
        byP99 = Self.best(a.byP99 + b.byP99, top, table) { $0.p99 }
        byErrors = Self.best(a.byErrors + b.byErrors, top, table) { $0.errors }
    }

    static func best(_ all: [Summary], _ top: Int, _ table: URLTable, _ key: (Summary) -> Int) -> [Summary] {
        all.topK(top) { a, b in
            let ka = key(a), kb = key(b)
            if ka != kb { return ka > kb }
            if a.requests != b.requests { return a.requests > b.requests }
            return table.keyPrecedes(a.cell, b.cell)
        }
    }
}

extension URLTable {
    /// `name(a) < name(b)` without building the strings when both keys are ASCII.
    func keyPrecedes(_ a: Int, _ b: Int) -> Bool {
        withKey(a) { ka in
            withKey(b) { kb in
                var ascii = true
                for i in 0..<ka.count where ka[i] >= 0x80 { ascii = false; break }
                if ascii { for i in 0..<kb.count where kb[i] >= 0x80 { ascii = false; break } }
                guard ascii else { return ka.string < kb.string }
                return ka.buffer.lexicographicallyPrecedes(kb.buffer)
            }
        }
    }
}
