import LBLog
import Testing
@testable import LBReport

private func key(_ text: String) -> [UInt8] { Array(text.utf8) }

private extension Report {
    static func topURLs(_ table: URLTable, top: Int) -> URLs { topURLs([table], top: top) }
}

private extension URLTable {
    func cell(_ text: String) -> Int {
        var bytes = key(text)
        return bytes.withUnsafeMutableBufferPointer { index(of: ByteSlice(base: UnsafePointer($0.baseAddress), count: $0.count)) }
    }

    func find(_ text: String) -> Int? {
        var bytes = key(text)
        return bytes.withUnsafeMutableBufferPointer {
            let key = ByteSlice(base: UnsafePointer($0.baseAddress), count: $0.count)
            return find(key, hash: URLTable.hash(key))
        }
    }

    func record(_ text: String, _ latency: Int, isError: Bool = false) {
        add(cell: cell(text), latency: latency, isError: isError)
    }
}

@Test func urlPercentilesAgreeWithPlainHistogramsInListAndDenseForm() {
    let table = URLTable()
    // 5 values stay in the cell's list; 5000 move to a dense block.
    for (url, n) in [("/few", 5), ("/many", 5000)] {
        var plain = LogHistogram(precisionBits: 3)
        for i in 0..<n {
            let value = (i * 37) % 3000
            table.record(url, value)
            plain.record(value)
        }
        let cell = table.cell(url)
        for p in [0.0, 50, 90, 99, 99.9, 100] {
            #expect(table.percentile(cell, p) == plain.percentile(p), "\(url) p\(p)")
        }
        #expect(table.histogram(cell).count == plain.count)
        #expect(table.histogram(cell).maximum == plain.maximum)
        #expect(Int(table.cells[cell].requests) == n)
    }
}

@Test func urlCountersAndRequestsWithoutTa() {
    let table = URLTable()
    table.record("/a", 10)
    table.record("/a", -1, isError: true)
    table.record("/a", 30, isError: true)
    let c = table.cells[table.cell("/a")]
    #expect(c.requests == 3)
    #expect(c.errors == 2)
    #expect(c.totalTime == 40)
    #expect(c.maximum == 30)
    #expect(table.percentile(table.cell("/a"), 50) == 10)
    table.record("/none", -1)
    #expect(table.percentile(table.cell("/none"), 99) == nil)
}

@Test func aBucketThatWouldOverflowMovesItsURLToAFullHistogram() {
    let table = URLTable()
    for _ in 0..<70_000 { table.record("/hot", 5) }
    table.record("/hot", 900)
    let cell = table.cell("/hot")
    #expect(table.histogram(cell).count == 70_001)
    #expect(table.percentile(cell, 50) == 5)
    #expect(table.percentile(cell, 100) == 900)
}

@Test func theTableGrowsAndKeepsLongAndShortKeys() {
    let table = URLTable()
    let long = "/" + String(repeating: "segment/", count: 20)
    for i in 0..<20_000 {
        table.record("/u/\(i)", i % 100)
        table.record(long + "\(i)", 7)
    }
    #expect(table.count == 40_000)
    for i in stride(from: 0, to: 20_000, by: 997) {
        #expect(table.name(table.cell("/u/\(i)")) == "/u/\(i)")
        #expect(table.name(table.cell(long + "\(i)")) == long + "\(i)")
        #expect(table.cells[table.cell(long + "\(i)")].requests == 1)
    }
    #expect(table.count == 40_000)
    table.record("", 3)
    #expect(table.name(table.cell("")) == "")
}

@Test func aURLInTwoTablesIsCountedOnceWithBothHalves() {
    let a = URLTable(), b = URLTable()
    for v in [1, 2, 3] { a.record("/x", v) }
    for v in [4, 5, 600] { b.record("/x", v) }
    for v in 0..<40 { b.record("/dense", v) }
    for v in 0..<3 { a.record("/dense", 1000 + v) }
    b.record("/only-b", 9, isError: true)
    let lists = Report.topURLs([a, b], top: 10)
    #expect(lists.distinct == 3)
    let rows = Dictionary(uniqueKeysWithValues: lists.byCount.map { ($0.url, $0) })
    #expect(rows["/x"]?.requests == 6)
    #expect(rows["/x"]?.p99 == 600)
    #expect(URLTable.percentile([(a, a.cell("/x")), (b, b.cell("/x"))], 50) == 3)
    #expect(rows["/dense"]?.requests == 43)
    #expect(rows["/dense"]?.p99 == 1002)
    #expect(rows["/only-b"]?.errors == 1)
    #expect(lists.byErrors.map(\.url) == ["/only-b"])
}

@Test func keysCompareAsStringsDo() {
    let table = URLTable()
    for text in ["/b", "/a", "/ab", "/é", "/z"] { table.record(text, 1) }
    let names = ["/b", "/a", "/ab", "/é", "/z"]
    for x in names {
        for y in names {
            #expect(URLTable.keyPrecedes(table, table.cell(x), table, table.cell(y)) == (x < y), "\(x) < \(y)")
        }
    }
}

@Test func anEmptyKeyStaysOneKeyWhenTheTableGrows() {
    let table = URLTable()
    var interner = ByteInterner()
    let first = table.index(of: .empty)
    table.add(cell: first, latency: 1, isError: true)
    let firstID = interner.intern(.empty)
    for i in 0..<5000 {
        table.record("/grow/\(i)", 1)
        _ = interner.intern("/grow/\(i)")
    }
    table.add(cell: table.index(of: .empty), latency: 2, isError: true)
    var zero: UInt8 = 0
    let emptyWithBase = withUnsafePointer(to: &zero) { ByteSlice(base: $0, count: 0) }
    table.add(cell: table.index(of: emptyWithBase), latency: 3, isError: true)
    #expect(table.count == 5001)
    #expect(table.cells[table.index(of: .empty)].requests == 3)
    #expect(interner.intern(.empty) == firstID)
    #expect(interner.intern(emptyWithBase) == firstID)
}

@Test func topURLListsFromTwoHalvesMatchASortOfEverything() {
    let table = URLTable(capacity: 1 << 15)
    var expected: [(url: String, requests: Int, errors: Int, total: Int, p99: Int)] = []
    for u in 0..<12_000 {
        let url = "/t/\(u % 97)/\(u)"
        let n = 1 + (u * 7919) % 23
        var errors = 0, total = 0, maximum = -1
        for k in 0..<n {
            let latency = (u * 31 + k * 17) % 500
            let isError = (u + k) % 11 == 0
            table.record(url, latency, isError: isError)
            if isError { errors += 1 }
            total += latency
            maximum = max(maximum, latency)
        }
        expected.append((url, n, errors, total, maximum))  // n < 100: p99 is the maximum
    }
    let lists = Report.topURLs(table, top: 15)
    func best(_ key: ((url: String, requests: Int, errors: Int, total: Int, p99: Int)) -> Int) -> [String] {
        expected.sorted { a, b in
            if key(a) != key(b) { return key(a) > key(b) }
            if a.requests != b.requests { return a.requests > b.requests }
            return a.url < b.url
        }.prefix(15).map(\.url)
    }
    #expect(lists.distinct == expected.count)
    #expect(lists.byCount.map(\.url) == best { $0.requests })
    #expect(lists.byTotalTime.map(\.url) == best { $0.total })
    #expect(lists.byP99.map(\.url) == best { $0.p99 })
    #expect(lists.byErrors.map(\.url) == best { $0.errors })
    #expect(lists.byP99.map { $0.p99 ?? -1 } == lists.byP99.map { row in expected.first { $0.url == row.url }!.p99 })
}

/// Every pairing of forms a URL can have in two workers' tables (empty, a short list, a full list, a
/// dense block, a block whose counters pass 16 bits when added, a heavy histogram) combines into what
/// one table recording all the values holds.
@Test func everyPairOfCellFormsCombinesAsOneTableRecordingAll() {
    let forms: [(name: String, values: [Int])] = [
        ("none", []),
        ("short", [3, 40, 700]),
        ("full", Array(0..<12).map { $0 * 9 }),
        ("dense", Array(0..<300).map { $0 % 250 }),
        ("near16bits", Array(repeating: 5, count: 40_000) + [6]),
        ("heavy", Array(repeating: 5, count: 70_000) + [1, 900]),
    ]
    // Tables large enough that the lists are built on two threads, each taking half of every table.
    let a = URLTable(capacity: 1 << 14), b = URLTable(capacity: 1 << 14), everything = URLTable(capacity: 1 << 14)
    var urls: [String] = []
    for left in forms {
        for right in forms {
            let url = "/\(left.name)/\(right.name)"
            urls.append(url)
            for (k, v) in left.values.enumerated() { a.record(url, v, isError: k % 7 == 0); everything.record(url, v, isError: k % 7 == 0) }
            for (k, v) in right.values.enumerated() { b.record(url, v, isError: k % 5 == 0); everything.record(url, v, isError: k % 5 == 0) }
        }
    }
    let combined = Report.topURLs([a, b], top: urls.count), single = Report.topURLs(everything, top: urls.count)
    for url in urls where url != "/none/none" {
        let one = everything.cell(url)
        let parts = [a, b].compactMap { table in table.find(url).map { (table, $0) } }
        for p in [50.0, 90, 99, 99.9, 100] {
            #expect(URLTable.percentile(parts.map { (table: $0.0, cell: $0.1) }, p) == everything.percentile(one, p), "\(url) p\(p)")
        }
    }
    #expect(combined.distinct == single.distinct)
    for (list, expected) in [(combined.byCount, single.byCount), (combined.byTotalTime, single.byTotalTime),
                             (combined.byP99, single.byP99), (combined.byErrors, single.byErrors)] {
        #expect(list.map(\.url) == expected.map(\.url))
        #expect(list.map(\.requests) == expected.map(\.requests))
        #expect(list.map(\.errors) == expected.map(\.errors))
        #expect(list.map(\.totalTime) == expected.map(\.totalTime))
        #expect(list.map(\.p99) == expected.map(\.p99))
    }
}

@Test func noTopURLsAreListedWithTopZeroButAllAreCounted() {
    let a = URLTable(), b = URLTable()
    for i in 0..<50 { a.record("/a/\(i)", i); b.record("/a/\(i % 10)", 2 * i) }
    b.record("/b", 7, isError: true)
    let lists = Report.topURLs([a, b], top: 0)
    #expect(lists.distinct == 51)
    #expect(lists.byCount.isEmpty && lists.byTotalTime.isEmpty && lists.byP99.isEmpty && lists.byErrors.isEmpty)
}
