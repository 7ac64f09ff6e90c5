import Testing
@testable import LBLog
@testable import LBReport

/// The report's top denied clients: records the proxy itself ended (state `P...`), by client, the same
/// whether one worker or several read the log.
@Test func deniedClientsAreRankedFromProxyTerminations() throws {
    var text = ""
    let prefix = "Nov 25 02:40:29 lbhost haproxy[1]: "
    for (client, count, line) in [
        ("192.0.2.7", 30, "fe_main fe_main/<NOSRV> 0/-1/-1/-1/0 429 212 - - PR-- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\""),
        ("192.0.2.8", 12, "fe_main fe_main/<NOSRV> 0/-1/-1/-1/0 403 192 - - PR-- 1/1/0/0/0 0/0 \"GET /admin HTTP/1.1\""),
        ("192.0.2.9", 3, "fe_main be_app/web1 0/0/0/1/1 502 0 - - PH-- 1/1/0/0/0 0/0 \"GET /leak HTTP/1.1\""),
        ("192.0.2.10", 50, "fe_main be_app/web1 0/0/0/1/1 200 120 - - ---- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\""),
    ] {
        for i in 0..<count {
            text += prefix + "\(client):\(4000 + i) [25/Nov/2026:02:40:\(String(format: "%02d", i % 60)).000] " + line + "\n"
        }
    }
    let path = writeTemp(text)
    let inputs = try LogInputResolver.resolve([path])
    var options = ReportOptions()
    options.top = 2
    for workers in [1, 3] {
        let report = Report(LogScanner.scan(inputs, options: options, workers: workers), options: options)
        let denied = try #require(report.denied)
        #expect(denied.total == 45, "\(workers) workers")
        #expect(denied.clients.map(\.client) == ["192.0.2.7", "192.0.2.8"])
        #expect(denied.clients.map(\.count) == [30, 12])
        #expect(TextRenderer().render(report).contains("== Top denied clients (45 requests refused by the proxy"))
    }
}
