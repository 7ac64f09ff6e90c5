import Foundation
import Testing
@testable import LBLog
@testable import LBReport

/// A small varied log: two backends, one slow server, errors, a TCP line, events and bad lines.
func scanFixture(lines: Int) -> String {
    var out = ""
    for i in 0..<lines {
        let second = i / 10
        let date = String(format: "25/Nov/2026:%02d:%02d:%02d.%03d", 2 + second / 3600, second / 60 % 60, second % 60, i % 1000)
        let prefix = "Nov 25 02:40:29 lbhost haproxy[1]: 10.0.0.\(i % 250):\(1000 + i) [\(date)] "
        switch i % 50 {
        case 7: out += prefix + "fe_tcp be_db/db1 0/1/\(i % 900) 1234 -- 1/1/1/1/0 0/0\n"
        case 13: out += prefix + "fe_main fe_main/<NOSRV> -1/-1/-1/-1/0 400 0 - - CR-- 1/1/0/0/0 0/0 \"<BADREQ>\"\n"
        case 21: out += prefix + "fe_main be_api/api2 0/0/-1/-1/3001 503 217 - - SC-- 1/1/0/0/+3 0/0 \"GET /api/x HTTP/1.1\"\n"
        case 33: out += "Nov 25 02:40:29 lbhost haproxy[1]: Server be_api/api2 is DOWN, reason: Layer4 connection problem.\n"
        case 44: out += "garbage line \(i)\n"
        default:
            let slow = i % 5 == 0
            let server = slow ? "be_api/api3" : (i % 2 == 0 ? "be_web/web1" : "be_web/web2")
            let tr = slow ? 200 + i % 3000 : i % 40
            out += prefix + "fe_main \(server) 1/0/\(i % 3)/\(tr)/\(tr + 5) \(i % 17 == 0 ? 404 : 200) \(100 + i) - - ---- 1/1/0/0/0 0/0 {h|ua} \"GET /p/\(i % 37)?x=\(i) HTTP/1.1\"\n"
        }
    }
    return out
}

func writeTemp(_ text: String, name: String = "scan.log") -> String {
    let dir = NSTemporaryDirectory() + "lblog-scan-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let path = dir + "/" + name
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    return path
}

@Test func splittingAcrossWorkersChangesNothing() throws {
    let path = writeTemp(scanFixture(lines: 20_000))
    let inputs = try LogInputResolver.resolve([path])
    var options = ReportOptions()
    options.groupBy = [.backend, .status]
    options.slo = SLO(thresholdMilliseconds: 100, targetPercent: 99)
    let one = LogScanner.scan(inputs, options: options, workers: 1)
    // Force a split of this small file into 4 ranges.
    let units = WorkUnit.plan(inputs, pieces: 4, minimumSplit: 1)
    #expect(units.count == 4)
    let four = LogScanner.scan(inputs, options: options, workers: 4)
    let reportOne = try JSONRenderer.render(Report(one, options: options))
    let reportFour = try JSONRenderer.render(Report(four, options: options))
    #expect(HalogCompat.percentiles(one.aggregate) == HalogCompat.percentiles(four.aggregate))
    #expect(HalogCompat.servers(one.aggregate) == HalogCompat.servers(four.aggregate))
    #expect(one.aggregate.lines == 20_000)
    #expect(one.aggregate.eventLines == 400)
    #expect(one.aggregate.invalidCount == 400)
    #expect(one.invalidSamples.map(\.line) == [45, 95, 145, 195, 245])
    #expect(one.invalidSamples.first?.file == path)
    #expect(reportOne.count > 1000)
    _ = reportFour
}

@Test func reportCountsWhatTheLogSays() throws {
    let path = writeTemp(scanFixture(lines: 1000))
    var options = ReportOptions()
    options.slo = SLO(thresholdMilliseconds: 100, targetPercent: 99)
    let scan = LogScanner.scan(try LogInputResolver.resolve([path]), options: options, workers: 2)
    let r = Report(scan, options: options)
    #expect(r.lines.total == 1000)
    #expect(r.lines.tcp == 20)
    #expect(r.lines.events == 20)
    #expect(r.lines.invalid == 20)
    #expect(r.lines.records == 960)
    #expect(r.status.codes.first { $0.code == 503 }?.count == 20)
    #expect(r.status.codes.first { $0.code == 400 }?.count == 20)
    // 503 (SC, -1 timers) and the BADREQ lines (-1 timers) are the errors.
    #expect(r.errors.total == 40)
    #expect(r.errors.termination.first { $0.state == "SC" }?.meaning == "server aborted or refused while connecting to the server")
    #expect(r.latency.servers.map(\.name).contains("be_api/api3"))
    let api3 = r.latency.servers.first { $0.name == "be_api/api3" }!
    let web1 = r.latency.servers.first { $0.name == "be_web/web1" }!
    #expect(api3.timers[0].values.last! ?? 0 > web1.timers[0].values.last! ?? 0)
    #expect(r.slo!.total == r.lines.http)
    #expect(r.urls.byCount.count == 10)
    #expect(!r.timeline.slots.isEmpty)
    #expect(r.timeline.slots.reduce(0) { $0 + $1.requests } == r.lines.records)
    for format in [TextRenderer().render(r), MarkdownRenderer.render(r), CSVRenderer.render(r), HTMLRenderer.render(r)] {
        #expect(format.contains("api3"))
    }
    #expect(HTMLRenderer.render(r).contains("<svg"))
    #expect(!HTMLRenderer.render(r).contains("http://") || HTMLRenderer.render(r).contains("xmlns=\"http://www.w3.org/2000/svg\""))
}

@Test func filtersAndTimeWindowsNarrowTheReport() throws {
    let path = writeTemp(scanFixture(lines: 1000))
    let inputs = try LogInputResolver.resolve([path])
    var options = ReportOptions()
    options.filters = [try FilterClause.parse("backend=be_api"), try FilterClause.parse("status>=500")]
    let onlyErrors = LogScanner.scan(inputs, options: options)
    #expect(onlyErrors.aggregate.records == 20)
    var window = ReportOptions()
    let start = Int64(LogDate.days(year: 2026, month: 11, day: 25)) * 86_400_000 + 2 * 3_600_000
    window.since = start + 10_000
    window.until = start + 20_000
    let windowed = LogScanner.scan(inputs, options: window)
    // 10 lines per second; 2 of every 50 are not records.
    #expect(windowed.aggregate.records == 96)
}

@Test func largeFilesAreCutIntoSmallerPiecesAtTheEnd() throws {
    let text = scanFixture(lines: 20_000)
    let path = writeTemp(text)
    let inputs = try LogInputResolver.resolve([path])
    // 2 workers, pieces of at least 1 byte: 16 pieces, the last 8 a sixteenth of the size of the others.
    let units = WorkUnit.plan(inputs, pieces: 2, minimumSplit: 1, pieceSize: 1)
    #expect(units.count == 16)
    let bytes = Array(text.utf8)
    var next = 0
    for unit in units {
        let range = try #require(unit.range)
        #expect(range.lowerBound == next)
        #expect(range.lowerBound == 0 || bytes[range.lowerBound - 1] == UInt8(ascii: "\n"))
        next = range.upperBound
    }
    #expect(next == bytes.count)
    let sizes = units.map { $0.range!.count }
    #expect(sizes.suffix(8).allSatisfy { Double($0) < Double(sizes[0]) * 0.1 })
    #expect(sizes.prefix(8).allSatisfy { Double($0) > Double(sizes[0]) * 0.8 })
    #expect(WorkUnit.cutPoints(size: 1000, pieces: 4, workers: 2) == [250, 500, 750])
    #expect(WorkUnit.cutPoints(size: 1000, pieces: 8, workers: 2) == [200, 400, 600, 800, 850, 900, 950])
    // 8 of 16 units and 8 of 1: 136 units.
    #expect(WorkUnit.cutPoints(size: 1360, pieces: 16, workers: 2) == [160, 320, 480, 640, 800, 960, 1120, 1280, 1290, 1300, 1310, 1320, 1330, 1340, 1350])
}

@Test func serverStateChangesAreCountedAndListedInLogOrder() throws {
    var log = scanFixture(lines: 200)
    log += "Nov 25 02:41:00 lbhost haproxy[1]: Server be_api/api2 is UP, reason: Layer7 check passed, code: 200, check duration: 1ms. 3 active and 0 backup servers online.\n"
    log += "Nov 25 02:41:30 lbhost haproxy[1]: Server be_web/web1 is going DOWN for maintenance. 1 active and 0 backup servers left.\n"
    let path = writeTemp(log)
    let options = ReportOptions()
    // Split across workers: the list must come out in the file's order whichever worker read a line.
    let scan = LogScanner.scan(try LogInputResolver.resolve([path]), options: options, workers: 3)
    let states = try #require(Report(scan, options: options).serverStates)
    // The fixture has a DOWN line every 50 lines (34, 84, 134, 184), then the two above.
    #expect(states.count == 6)
    #expect(states.changes.map(\.line) == [34, 84, 134, 184, 201, 202])
    #expect(states.changes.map(\.state) == ["DOWN", "DOWN", "DOWN", "DOWN", "UP", "MAINT"])
    #expect(states.changes.first?.reason == "Layer4 connection problem")
    #expect(states.changes.last?.server == "be_web/web1")
    #expect(states.servers.first == .init(server: "be_api/api2", down: 4, up: 1, maintenance: 0, drain: 0))
    let report = Report(scan, options: options)
    #expect(TextRenderer().render(report).contains("== Server state changes: 6"))
    #expect(MarkdownRenderer.render(report).contains("## Server state changes (6)"))
    #expect(HTMLRenderer.render(report).contains("<h2>Server state changes (6)</h2>"))
    #expect(try JSONRenderer.render(report).contains("\"serverStates\""))
}
