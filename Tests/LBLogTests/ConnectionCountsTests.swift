import Testing
@testable import LBLog

/// httplog's counts and queues fields: in their usual shape they are only checked at parse time and
/// converted when read (`LogEntry.countsText`); everything else goes through the byte parser. Both
/// must give the same entries and the same verdicts.
struct ConnectionCountsTests {
    /// The byte parser's verdict on a counts-and-queues text, and the counts.
    static func slowParse(_ text: String) -> ConnectionCounts? {
        var copy = text
        return copy.withUTF8 { b -> ConnectionCounts? in
            guard let base = b.baseAddress else { return nil }
            var parser = TrafficLineParser(base, count: b.count, start: 0)
            var counts = ConnectionCounts()
            return parser.parseCounts(into: &counts) ? counts : nil
        }
    }

    static func line(_ counts: String) -> String {
        #"Nov 24 00:00:00 lbhost haproxy[4242]: 10.0.86.2:26945 [24/Nov/2026:00:00:00.010] fe_main be_static/static1 18/0/0/3/24 200 19591 - - ---- "#
            + counts + #" {www.example.com|Mozilla/5.0} "GET /static/a.png HTTP/1.1""#
    }

    /// Deterministic pseudo-random fields near the usual shape: 3 to 6 parts joined by slashes, parts
    /// of 0 to 3 digits (sometimes 6), now and then a sign, a space or another byte inside.
    static func fields(_ count: Int, seed: UInt64 = 0x2545_F491_4F6C_DD1D) -> [String] {
        var state = seed
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        let odd = Array("+- x/:".utf8)
        return (0..<count).map { _ in
            var bytes: [UInt8] = []
            let parts = Int(next() % 4) + 3
            for k in 0..<parts {
                if k > 0 { bytes.append(UInt8(ascii: "/")) }
                let digits = next() % 10 == 0 ? 0 : next() % 8 == 0 ? 6 : Int(next() % 3) + 1
                for _ in 0..<digits { bytes.append(UInt8(ascii: "0") + UInt8(next() % 10)) }
                if next() % 12 == 0 { bytes.insert(odd[Int(next() % UInt64(odd.count))], at: Int(next() % UInt64(bytes.count + 1))) }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    @Test(arguments: ["148/56/10/7/0 0/0", "0/0/0/0/0 0/0", "1/2/3/4/5 6/7", "12345/6789/1/2/3 4/5",
                      "1000/999/500/400/10 0/0", "1/1/1/1/+1 0/0", "1/1/1/1/3 12/34", "7/7/7/7/7 1234567/7654321"])
    func wellFormedCountsReadTheSameEitherWay(_ text: String) throws {
        let expected = try #require(Self.slowParse(text))
        var e = LogEntry()
        #expect(LogLineParser().parse(Self.line(text), into: &e) == .record)
        #expect(e.counts == expected)
        #expect(e.activeConnections == expected.active && e.retries == expected.retries && e.redispatched == expected.redispatched)
        #expect(e.serverQueue == expected.serverQueue && e.backendQueue == expected.backendQueue)
        let record = LogRecord(e)
        #expect(record.activeConnections == Int(expected.active) && record.backendQueue == Int(expected.backendQueue))
    }

    @Test func theShapeCheckNeverAcceptsWhatTheByteParserRejects() {
        var fast = 0
        for (k, field) in Self.fields(20_000).enumerated() {
            let text = field + " " + Self.fields(1, seed: UInt64(k) + 1)[0]
            var line = Array((text + " trailing bytes to read").utf8)
            line.withUnsafeMutableBufferPointer { b in
                let p = UnsafePointer(b.baseAddress!)
                guard let a = SlashNumbersCheck.length(p, from: 0, end: b.count, slashes: 4) else { return }
                fast += 1
                // The byte parser reads the same field, five numbers ending where the check said.
                var parser = TrafficLineParser(p, count: b.count, start: 0)
                var values = [Int64](repeating: 0, count: 5)
                var plus = false
                let n = values.withUnsafeMutableBufferPointer { parser.slashIntegers($0.baseAddress!, max: 5, plus: &plus) }
                #expect(n == 5 && !plus, "\(field)")
                #expect(p[a] == UInt8(ascii: " ") && !field.prefix(a).contains(" "), "\(field)")
                #expect(String(decoding: UnsafeBufferPointer(start: p, count: a), as: UTF8.self) == String(field.prefix(a)))
            }
            _ = line
        }
        #expect(fast > 500, "the random fields should include many of the usual shape")
    }

    @Test(arguments: ["1/2/3/4 0/0", "1/2/3/4/5/6 0/0", "1//3/4/5 0/0", "/1/2/3/4 0/0", "1/2/3/4/ 0/0", "1/2/3/4/5 0",
                      "1/2/3/4/5 0/0/0", "1/2/x/4/5 0/0", "1/2/3/4/5 /0"])
    func malformedCountsAreStillRejected(_ text: String) {
        #expect(Self.slowParse(text) == nil)
        var e = LogEntry()
        #expect(LogLineParser().parse(Self.line(text), into: &e) == .invalid(.badNumber))
    }

    @Test func blankAndHeaderOnlyLinesLeaveNoCountsText() {
        let parser = LogLineParser()
        var e = LogEntry()
        for empty in ["", "   ", "Nov 24 00:00:00 lbhost haproxy[4242]:"] {
            #expect(parser.parse(Self.line("9/8/7/6/5 4/3"), into: &e) == .record)
            #expect(!e.countsText.isEmpty)
            _ = parser.parse(empty, into: &e)
            #expect(e.countsText.isEmpty, "after \"\(empty)\"")
        }
    }

    @Test func aLineWithoutTheFieldsDoesNotReadThoseOfTheLineBefore() {
        let parser = LogLineParser()
        var e = LogEntry()
        #expect(parser.parse(Self.line("9/8/7/6/5 4/3"), into: &e) == .record)
        #expect(e.activeConnections == 9)
        // A CLF line sets the counts field by field: they must start from zero, not from the text
        // kept for the line before.
        let clf = #"10.1.2.3 - - [25/Nov/2026:02:40:29 +0000] "GET /p HTTP/1.1" 200 12 "" "" 5555 250 "fe" "be" "s1" 1 2 3 4 10 "--NI" 5 6 7 8 0 0 0 "" """#
        var f = e
        #expect(parser.parse(clf, into: &f) == .record)
        #expect(f.activeConnections == 5 && f.frontendConnections == 6 && f.serverConnections == 8)
        #expect(f.retries == 0 && !f.redispatched && f.serverQueue == 0 && f.backendQueue == 0)
    }
}
