import Testing
@testable import LBLog
@testable import LBReport

struct FilterCase: Sendable, CustomTestStringConvertible {
    var expression: String
    var matches: Bool
    var testDescription: String { "\(expression) → \(matches)" }
}

let filterLine = #"10.1.2.3:5555 [25/Nov/2026:02:40:29.039] fe_main be_api/api3 2/0/1/1200/1250 504 194 - - sH-- 1/1/0/0/0 0/0 "POST /api/v1/items?id=7 HTTP/1.1""#

@Test(arguments: [
    FilterCase(expression: "backend=be_api", matches: true),
    FilterCase(expression: "backend!=be_api", matches: false),
    FilterCase(expression: "server=be_api/api3", matches: true),
    FilterCase(expression: "server=be_web/api3", matches: false),
    FilterCase(expression: "server=api3", matches: true),
    FilterCase(expression: "status>=500", matches: true),
    FilterCase(expression: "status<500", matches: false),
    FilterCase(expression: "status=5xx", matches: true),
    FilterCase(expression: "status=4xx", matches: false),
    FilterCase(expression: "path^=/api", matches: true),
    FilterCase(expression: "path=/api/v1/items", matches: true),
    FilterCase(expression: "url~=id=7", matches: true),
    FilterCase(expression: "path$=.png", matches: false),
    FilterCase(expression: "term=sH", matches: true),
    FilterCase(expression: "term=sH--", matches: true),
    FilterCase(expression: "term!=sH", matches: false),
    FilterCase(expression: "Ta>1000", matches: true),
    FilterCase(expression: "Tr<=1200", matches: true),
    FilterCase(expression: "Tc=1", matches: true),
    FilterCase(expression: "method=POST", matches: true),
    FilterCase(expression: "client=10.1.2.3", matches: true),
    FilterCase(expression: "client^=10.1.", matches: true),
])
func filterMatches(_ c: FilterCase) throws {
    let clause = try FilterClause.parse(c.expression)
    let parser = LogLineParser()
    var e = LogEntry()
    var line = filterLine
    line.withUTF8 { buffer in
        _ = parser.parse(buffer.baseAddress!, count: buffer.count, into: &e)
        #expect(clause.matches(e) == c.matches)
    }
}

@Test(arguments: ["status", "nosuch=1", "Ta^=5", "path>3", "status>=abc"])
func badFiltersAreRejected(_ expression: String) {
    #expect(throws: ReportOptionError.self) { try FilterClause.parse(expression) }
}

@Test func durationsAndSLO() throws {
    #expect(DurationText.milliseconds("250ms") == 250)
    #expect(DurationText.milliseconds("5s") == 5000)
    #expect(DurationText.milliseconds("2m") == 120_000)
    #expect(DurationText.milliseconds("1h") == 3_600_000)
    #expect(try SLO.parse("300ms:99.9") == SLO(thresholdMilliseconds: 300, targetPercent: 99.9))
    #expect(try SLO.parse("1s") == SLO(thresholdMilliseconds: 1000, targetPercent: 99))
    #expect(throws: ReportOptionError.self) { try SLO.parse("fast") }
}

@Test func timeBounds() throws {
    let now: Int64 = 1_795_000_000_000
    #expect(try TimeBound.parse("1h", nowWallClock: now) == now - 3_600_000)
    let absolute = try TimeBound.parse("2026-11-25 02:40", nowWallClock: now)
    #expect(absolute == Int64(LogDate.days(year: 2026, month: 11, day: 25)) * 86_400_000 + (2 * 60 + 40) * 60_000)
    #expect(try TimeBound.parse("25/Nov/2026:02:40:00", nowWallClock: now) == absolute)
    #expect(try TimeBound.parse("2026-11-25T02:40:00", nowWallClock: now) == absolute)
    #expect(throws: ReportOptionError.self) { try TimeBound.parse("yesterday-ish", nowWallClock: now) }
}
