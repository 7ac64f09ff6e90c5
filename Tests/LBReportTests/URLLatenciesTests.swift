import Testing
@testable import LBReport

@Test func packedURLHistogramsAgreeWithPlainOnes() {
    var packed = URLLatencies()
    var plain = [LogHistogram(precisionBits: 3), LogHistogram(precisionBits: 3)]
    packed.addURL()
    packed.addURL()
    for i in 0..<5000 {
        let url = i % 2
        let value = (i * 37) % 3000
        packed.record(url: url, value: value)
        plain[url].record(value)
    }
    for url in 0..<2 {
        for p in [50.0, 90, 99, 99.9, 100] {
            #expect(packed.percentile(url, p) == plain[url].percentile(p), "url \(url) p\(p)")
        }
        #expect(packed.histogram(url).maximum == plain[url].maximum)
        #expect(packed.histogram(url).count == plain[url].count)
    }
}

@Test func aBucketThatWouldOverflowMovesItsURLToAFullHistogram() {
    var packed = URLLatencies()
    packed.addURL()
    for _ in 0..<70_000 { packed.record(url: 0, value: 5) }
    packed.record(url: 0, value: 900)
    #expect(packed.histogram(0).count == 70_001)
    #expect(packed.percentile(0, 50) == 5)
    #expect(packed.percentile(0, 100) == 900)
}

@Test func mergingURLTablesAddsTheirCounts() {
    var a = URLLatencies(), b = URLLatencies()
    a.addURL()
    b.addURL()
    b.addURL()
    for v in [1, 2, 3] { a.record(url: 0, value: v) }
    for v in [4, 5, 600] { b.record(url: 1, value: v) }
    a.merge(b, theirs: 1, mine: 0)
    #expect(a.histogram(0).count == 6)
    #expect(a.percentile(0, 100) == 600)
    #expect(a.percentile(0, 50) == 3)
}
