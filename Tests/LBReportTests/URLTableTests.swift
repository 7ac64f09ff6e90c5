import LBLog
import Testing
@testable import LBReport

private func key(_ text: String) -> [UInt8] { Array(text.utf8) }

private extension URLTable {
    func cell(_ text: String) -> Int {
        var bytes = key(text)
        return bytes.withUnsafeMutableBufferPointer { index(of: ByteSlice(base: UnsafePointer($0.baseAddress), count: $0.count)) }
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

@Test func mergingURLTablesAddsTheirCounts() {
    let a = URLTable(), b = URLTable()
    for v in [1, 2, 3] { a.record("/x", v) }
    for v in [4, 5, 600] { b.record("/x", v) }
    for v in 0..<40 { b.record("/dense", v) }
    for v in 0..<3 { a.record("/dense", 1000 + v) }
    b.record("/only-b", 9, isError: true)
    a.merge(b)
    let x = a.cell("/x")
    #expect(a.histogram(x).count == 6)
    #expect(a.percentile(x, 100) == 600)
    #expect(a.percentile(x, 50) == 3)
    let dense = a.cell("/dense")
    #expect(a.histogram(dense).count == 43)
    #expect(a.percentile(dense, 100) == 1002)
    #expect(a.cells[a.cell("/only-b")].errors == 1)
    #expect(a.count == 3)
}

@Test func keysCompareAsStringsDo() {
    let table = URLTable()
    for text in ["/b", "/a", "/ab", "/é", "/z"] { table.record(text, 1) }
    let names = ["/b", "/a", "/ab", "/é", "/z"]
    for x in names {
        for y in names {
            #expect(table.keyPrecedes(table.cell(x), table.cell(y)) == (x < y), "\(x) < \(y)")
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
/// dense block, a block whose counters pass 16 bits when added, a heavy histogram) merges into what
/// one table recording all the values holds.
@Test func mergingEveryPairOfCellFormsEqualsRecordingInOneTable() {
    let forms: [(name: String, values: [Int])] = [
        ("none", []),
        ("short", [3, 40, 700]),
        ("full", Array(0..<12).map { $0 * 9 }),
        ("dense", Array(0..<300).map { $0 % 250 }),
        ("near16bits", Array(repeating: 5, count: 40_000) + [6]),
        ("heavy", Array(repeating: 5, count: 70_000) + [1, 900]),
    ]
    let a = URLTable(), b = URLTable(), everything = URLTable()
    var urls: [String] = []
    for left in forms {
        for right in forms {
            let url = "/\(left.name)/\(right.name)"
            urls.append(url)
            for (k, v) in left.values.enumerated() { a.record(url, v, isError: k % 7 == 0); everything.record(url, v, isError: k % 7 == 0) }
            for (k, v) in right.values.enumerated() { b.record(url, v, isError: k % 5 == 0); everything.record(url, v, isError: k % 5 == 0) }
        }
    }
    a.merge(b)
    for url in urls where url != "/none/none" {
        let mine = a.cell(url), theirs = everything.cell(url)
        #expect(a.cells[mine].requests == everything.cells[theirs].requests, "\(url)")
        #expect(a.cells[mine].errors == everything.cells[theirs].errors, "\(url)")
        #expect(a.cells[mine].totalTime == everything.cells[theirs].totalTime, "\(url)")
        #expect(a.histogram(mine).count == everything.histogram(theirs).count, "\(url)")
        for p in [50.0, 90, 99, 99.9, 100] {
            #expect(a.percentile(mine, p) == everything.percentile(theirs, p), "\(url) p\(p)")
        }
    }
}
