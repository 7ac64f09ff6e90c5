import Testing
@testable import LBLog

/// `option httplog` against real HAProxy 2.6 lines (shared/reference/samples/haproxy-2.6-httplog.log),
/// syslog prefix removed: byte for byte.
@Suite struct HTTPLogFormatTests {
    static let cases: [(LogRecord, String)] = [
        (sampleRecord(port: 54800, time: (2, 40, 29, 39)),
         #"127.0.0.1:54800 [25/Nov/2026:02:40:29.039] fe_main be_app/web1 0/0/0/0/0 200 185 - - --NI 1/1/0/0/0 0/0 {127.0.0.1:18080|curl/8.0} "GET /index.html HTTP/1.1""#),
        (sampleRecord(port: 54838, time: (2, 40, 29, 70), status: 404, bytes: 500, headers: ["127.0.0.1:18080", "curl/7.88.1"],
                      request: "GET /nope?q=1 HTTP/1.1"),
         #"127.0.0.1:54838 [25/Nov/2026:02:40:29.070] fe_main be_app/web1 0/0/0/0/0 404 500 - - --NI 1/1/0/0/0 0/0 {127.0.0.1:18080|curl/7.88.1} "GET /nope?q=1 HTTP/1.1""#),
        (sampleRecord(port: 43656, time: (2, 40, 34, 428), backend: "fe_main", server: "<NOSRV>", timers: (-1, -1, -1, -1, 0),
                      status: 400, bytes: 0, termination: "PR--", headers: nil, request: nil),
         #"127.0.0.1:43656 [25/Nov/2026:02:40:34.428] fe_main fe_main/<NOSRV> -1/-1/-1/-1/0 400 0 - - PR-- 1/1/0/0/0 0/0 "<BADREQ>""#),
        (sampleRecord(port: 43698, time: (2, 40, 34, 944), backend: "fe_main", server: "<PROMEX>", bytes: 71147,
                      termination: "LR--", headers: ["127.0.0.1:18080", "curl/7.88.1"], request: "GET /metrics HTTP/1.1"),
         #"127.0.0.1:43698 [25/Nov/2026:02:40:34.944] fe_main fe_main/<PROMEX> 0/0/0/0/0 200 71147 - - LR-- 1/1/0/0/0 0/0 {127.0.0.1:18080|curl/7.88.1} "GET /metrics HTTP/1.1""#),
        (sampleRecord(port: 50518, time: (2, 40, 47, 991), backend: "stats", server: "<STATS>", timers: (0, 0, 0, -1, 0),
                      status: 400, bytes: 459, termination: "LR--", headers: nil, request: "GET /stats HTTP/1.1", frontend: "stats"),
         #"127.0.0.1:50518 [25/Nov/2026:02:40:47.991] stats stats/<STATS> 0/0/0/-1/0 400 459 - - LR-- 1/1/0/0/0 0/0 "GET /stats HTTP/1.1""#),
        (sampleRecord(port: 49268, time: (2, 42, 5, 653), server: "web2", timers: (0, 0, -1, -1, 3003), status: 503, bytes: 217,
                      termination: "SCVN", retries: 3, headers: ["127.0.0.1:18080", "curl/7.88.1"], request: "GET /a HTTP/1.1"),
         #"127.0.0.1:49268 [25/Nov/2026:02:42:05.653] fe_main be_app/web2 0/0/-1/-1/3003 503 217 - - SCVN 1/1/0/0/3 0/0 {127.0.0.1:18080|curl/7.88.1} "GET /a HTTP/1.1""#),
        (sampleRecord(port: 36482, time: (2, 42, 11, 773), server: "<NOSRV>", timers: (0, -1, -1, -1, 0), status: 503, bytes: 217,
                      termination: "SCNN", headers: ["127.0.0.1:18080", "curl/7.88.1"], request: "GET /d HTTP/1.1"),
         #"127.0.0.1:36482 [25/Nov/2026:02:42:11.773] fe_main be_app/<NOSRV> 0/-1/-1/-1/0 503 217 - - SCNN 1/1/0/0/0 0/0 {127.0.0.1:18080|curl/7.88.1} "GET /d HTTP/1.1""#),
    ]

    @Test(arguments: cases)
    func realHAProxyLines(record: LogRecord, expected: String) {
        #expect(LogFormat.httplog.string(record) == expected)
    }

    @Test func redispatchPrefixesRetries() {
        var record = sampleRecord(port: 1, time: (0, 0, 0, 0), retries: 2)
        record.redispatched = true
        #expect(LogFormat.httplog.string(record).contains(" 1/1/0/0/+2 0/0 "))
    }

    @Test func responseCapturesFollowRequestCaptures() {
        var record = sampleRecord(port: 1, time: (0, 0, 0, 0), headers: ["a"])
        record.capturedResponseHeaders = ["", "text/html"]
        record.capturedRequestCookie = "SESSION=abc"
        #expect(LogFormat.httplog.string(record).hasSuffix(#" SESSION=abc - --NI 1/1/0/0/0 0/0 {a} {|text/html} "GET /index.html HTTP/1.1""#))
    }

    @Test func escapesAsHAProxyDoes() {
        var record = sampleRecord(port: 1, time: (0, 0, 0, 0), headers: ["x{y|z}\"#é"],
                                  request: "GET /a\"b#c\u{7F}\t HTTP/1.1")
        record.capturedResponseHeaders = ["ok with space"]
        let line = LogFormat.httplog.string(record)
        #expect(line.hasSuffix(#" {x#7By#7Cz#7D#22#23#C3#A9} {ok with space} "GET /a#22b#23c#7F#09 HTTP/1.1""#))
    }

    @Test func tlsFrontendHasTilde() {
        var record = sampleRecord(port: 1, time: (0, 0, 0, 0))
        record.frontendIsTLS = true
        #expect(LogFormat.httplog.string(record).contains(" fe_main~ be_app/web1 "))
    }

    @Test func localTimeUsesTheRecordOffset() {
        var record = sampleRecord(port: 1, time: (23, 59, 59, 999))
        record.utcOffsetSeconds = 3600
        #expect(LogFormat.httplog.string(record).contains("[26/Nov/2026:00:59:59.999]"))
        record.utcOffsetSeconds = -5 * 3600
        #expect(LogFormat.httplog.string(record).contains("[25/Nov/2026:18:59:59.999]"))
    }

    @Test(arguments: [
        (0, "01/Jan/1970:00:00:00"), (951_782_400, "29/Feb/2000:00:00:00"), (4_133_980_799, "31/Dec/2100:23:59:59"),
        (-1, "31/Dec/1969:23:59:59"),
    ] as [(Int64, String)])
    func civilDates(seconds: Int64, expected: String) {
        var output: [UInt8] = []
        output.appendHAProxyDate(CivilTime(epochSeconds: seconds))
        #expect(String(decoding: output, as: UTF8.self) == expected)
    }
}
