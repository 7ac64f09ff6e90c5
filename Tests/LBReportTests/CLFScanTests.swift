import Foundation
import Testing
@testable import LBLog
@testable import LBReport

/// lb's CLF lines go through the whole report path: counted, grouped, filtered; a malformed one is
/// counted as unparsed with its reason, file and line number.
@Test func clfLogsAreReportedLikeHttplogs() throws {
    let date = Int64(LogDate.days(year: 2026, month: 11, day: 25)) * 86_400_000 + 2 * 3_600_000
    var lines: [String] = []
    for i in 0..<30 {
        var record = LogRecord(
            clientAddress: "10.0.0.\(i % 3)", clientPort: 40000 + i, acceptDateMilliseconds: date + Int64(i) * 1000,
            requestDateMilliseconds: date + Int64(i) * 1000, frontend: "fe_main", backend: i % 2 == 0 ? "be_web" : "be_api",
            server: i % 2 == 0 ? "web1" : "api1", timeRequest: 0, timeQueue: 0, timeConnect: 1, timeResponse: 10 * i,
            timeActive: 10 * i + 2, status: i % 10 == 9 ? 503 : 200, bytesToClient: 100, terminationState: "----",
            capturedRequestHeaders: ["host\(i)"], requestLine: "GET /p/\(i % 4) HTTP/1.1")
        record.capturedResponseHeaders = ["text/plain"]
        lines.append(LogFormat.httplogCLF.string(record))
    }
    lines.insert(#"10.0.0.9 - - [25/Nov/2026:02:00:00 +0000] "GET / HTTP/1.1" 200"#, at: 10)
    let path = writeTemp(lines.joined(separator: "\n") + "\n", name: "clf.log")
    var options = ReportOptions()
    options.groupBy = [.backend]
    options.clfRequestCaptureCount = 1
    options.invalidSamples = 10
    let scan = LogScanner.scan(try LogInputResolver.resolve([path]), options: options, workers: 2)
    let report = Report(scan, options: options)
    #expect(report.lines.total == 31)
    #expect(report.lines.records == 30)
    #expect(report.lines.invalid == 1)
    #expect(scan.invalidSamples.map(\.line) == [11])
    #expect(scan.invalidSamples.first?.reason == .truncated)
    #expect(report.status.codes.first { $0.code == 503 }?.count == 3)
    #expect(HalogCompat.servers(scan.aggregate).contains("be_api/api1"))

    options.filters = [try FilterClause.parse("client=10.0.0.1"), try FilterClause.parse("path=/p/1")]
    let filtered = LogScanner.scan(try LogInputResolver.resolve([path]), options: options, workers: 1)
    // i % 3 == 1 and i % 4 == 1: i = 1, 13, 25.
    #expect(filtered.aggregate.records == 3)
}
