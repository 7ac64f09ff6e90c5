import LBLog

extension Report {
    /// The top-URL lists, built from the URL table without a `String` per URL: only the rows that make a
    /// list get their name. Orders as `URLRow` sorting always did: by the list's key, then requests, then
    /// URL (byte order, which is `String` order for ASCII; other keys compare as `String`s).
    static func topURLs(_ table: URLTable, top: Int) -> URLs {
        struct Summary {
            var cell: Int
            var requests: Int
            var errors: Int
            var totalTime: Int
            var p99: Int?
        }
        var all: [Summary] = []
        all.reserveCapacity(table.count)
        table.forEachCell { i, c in
            guard c.requests > 0 else { return }
            all.append(Summary(cell: i, requests: Int(c.requests), errors: Int(c.errors), totalTime: Int(c.totalTime),
                               p99: table.percentile(i, 99)))
        }
        func best(_ key: (Summary) -> Int) -> [URLRow] {
            all.topK(top) { a, b in
                let ka = key(a), kb = key(b)
                if ka != kb { return ka > kb }
                if a.requests != b.requests { return a.requests > b.requests }
                return table.keyPrecedes(a.cell, b.cell)
            }.map { s in
                URLRow(url: table.name(s.cell), requests: s.requests, errors: s.errors, totalTime: s.totalTime,
                       mean: s.requests == 0 ? 0 : Double(s.totalTime) / Double(s.requests), p99: s.p99)
            }
        }
        return URLs(distinct: all.count, byCount: best { $0.requests }, byTotalTime: best { $0.totalTime },
                    byP99: best { $0.p99 ?? -1 }, byErrors: best { $0.errors }.filter { $0.errors > 0 })
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
