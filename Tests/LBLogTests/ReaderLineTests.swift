import Testing
@testable import LBLog

/// One line in, the fields the reader must find.
struct ReaderLineCase: CustomTestStringConvertible, Sendable {
    var name: String
    var line: String
    var kind: LogEntry.Kind = .http
    var frontend = "fe_main"
    var backend = "be_app"
    var server = "web1"
    var timers: [Int32] = [0, 0, 0, 0, 0]
    var status: Int32 = 200
    var bytes: Int64 = 185
    var termination = "--NI"
    var retries: Int32 = 0
    var redispatched = false
    var requestCaptures: String? = "127.0.0.1:18080|curl/8.0"
    var responseCaptures: String?
    var method = "GET"
    var uri = "/index.html"
    var badRequest = false
    var date = "25/Nov/2026:02:40:29.039"

    var testDescription: String { name }
}

let sampleMessage = #"127.0.0.1:54800 [25/Nov/2026:02:40:29.039] fe_main be_app/web1 0/0/0/0/0 200 185 - - --NI 1/1/0/0/0 0/0 {127.0.0.1:18080|curl/8.0} "GET /index.html HTTP/1.1""#

let readerLineCases: [ReaderLineCase] = [
    .init(name: "syslog file with host", line: "Nov 25 02:40:29 lbhost haproxy[8293]: " + sampleMessage),
    .init(name: "datagram <PRI> local format, no host", line: "<134>Nov 25 02:40:29 haproxy[8293]: " + sampleMessage),
    .init(name: "datagram rfc3164 with host", line: "<134>Nov 25 02:40:29 lbhost haproxy[8293]: " + sampleMessage),
    .init(name: "space-padded day", line: "Nov  5 02:40:29 lbhost haproxy[8293]: " + sampleMessage),
    .init(name: "rfc5424", line: "<142>1 2026-11-25T02:40:29.040551+00:00 lbhost haproxy 8293 - - " + sampleMessage),
    .init(name: "rfc5424 structured data", line: #"<142>1 2026-11-25T02:40:29.040551+00:00 lbhost haproxy 8293 - [x@1 a="b\]c"] "# + sampleMessage),
    .init(name: "iso (timed) prefix", line: "<6>2026-11-25T02:40:29.040551+00:00 " + sampleMessage),
    .init(name: "no prefix", line: sampleMessage),
    .init(name: "CRLF ending", line: sampleMessage + "\r"),
    .init(name: "no captures",
          line: #"127.0.0.1:50506 [25/Nov/2026:02:40:29.039] stats stats/<STATS> 0/0/0/0/0 200 4105 - - LR-- 1/1/0/0/0 0/0 "GET /stats;csv HTTP/1.1""#,
          frontend: "stats", backend: "stats", server: "<STATS>", bytes: 4105, termination: "LR--", requestCaptures: nil, uri: "/stats;csv"),
    .init(name: "request and response captures with spaces",
          line: #"10.0.0.1:1 [25/Nov/2026:02:40:29.039] fe_main be_app/web1 0/0/0/0/0 200 185 - - --NI 1/1/0/0/0 0/0 {a b|c} {text/html; charset=utf-8} "GET /index.html HTTP/1.1""#,
          requestCaptures: "a b|c", responseCaptures: "text/html; charset=utf-8"),
    .init(name: "BADREQ", line: #"127.0.0.1:43656 [25/Nov/2026:02:40:29.039] fe_main fe_main/<NOSRV> -1/-1/-1/-1/0 400 0 - - PR-- 1/1/0/0/0 0/0 "<BADREQ>""#,
          backend: "fe_main", server: "<NOSRV>", timers: [-1, -1, -1, -1, 0], status: 400, bytes: 0, termination: "PR--",
          requestCaptures: nil, method: "", uri: "", badRequest: true),
    .init(name: "retries after redispatch, failed connect",
          line: #"127.0.0.1:49268 [25/Nov/2026:02:40:29.039] fe_main be_app/web2 0/0/-1/-1/3003 503 217 - - SCVN 1/1/0/0/+3 0/0 {127.0.0.1:18080|curl/8.0} "GET /a HTTP/1.1""#,
          server: "web2", timers: [0, 0, -1, -1, 3003], status: 503, bytes: 217, termination: "SCVN", retries: 3, redispatched: true, uri: "/a"),
    .init(name: "logasap + markers",
          line: #"127.0.0.1:1 [25/Nov/2026:02:40:29.039] fe_main be_app/web1 1/2/3/4/+15 200 +185 - - ---- 1/1/0/0/0 0/0 "GET /index.html HTTP/1.1""#,
          timers: [1, 2, 3, 4, 15], termination: "----", requestCaptures: nil),
    .init(name: "legacy Tq/Tw/Tc/Tr/Tt (before 1.7)",
          line: #"Nov 25 02:40:29 host haproxy[1]: 127.0.0.1:1 [25/Nov/2026:02:40:29.039] fe_main be_app/web1 10/0/1/20/35 200 185 - - ---- 1/1/0/0/0 0/0 "GET /index.html HTTP/1.0""#,
          timers: [10, 0, 1, 20, 35], termination: "----", requestCaptures: nil),
    .init(name: "IPv6 client and TLS frontend",
          line: #"::1:5000 [25/Nov/2026:02:40:29.039] fe_tls~ be_app/web1 0/0/0/0/0 200 185 - - ---- 1/1/0/0/0 0/0 "GET /index.html HTTP/2.0""#,
          frontend: "fe_tls~", termination: "----", requestCaptures: nil),
    .init(name: "tcplog", line: "<134>Nov 25 02:40:29 lbhost haproxy[8293]: 127.0.0.1:47320 [25/Nov/2026:02:40:29.039] fe_tcp be_tcp/t1 1/0/1 190 -- 1/1/0/0/0 0/0",
          kind: .tcp, frontend: "fe_tcp", backend: "be_tcp", server: "t1", timers: [-1, 1, 0, -1, 1], status: -1, bytes: 190,
          termination: "--", requestCaptures: nil, method: "", uri: ""),
    .init(name: "lb JSON line",
          line: #"{"accept_date":"2026-11-25T02:40:29.039+01:00","request_date":"2026-11-25T02:40:29.039+01:00","accept_ms":1,"request_ms":1,"client_ip":"127.0.0.1","client_port":54800,"frontend":"fe_main","tls":false,"backend":"be_app","server":"web1","server_ip":null,"th":0,"ti":0,"tr":0,"tw":0,"tc":0,"trs":0,"ta":0,"tt":0,"status":200,"bytes_read":185,"req_cookie":null,"res_cookie":null,"termination":"--NI","actconn":1,"feconn":1,"beconn":0,"srv_conn":0,"retries":0,"redispatched":false,"srv_queue":0,"backend_queue":0,"req_headers":["127.0.0.1:18080","curl/8.0"],"res_headers":null,"request":"GET /index.html HTTP/1.1","method":"GET","uri":"/index.html","version":"HTTP/1.1","unique_id":null}"#),
    .init(name: "JSON with log-format aliases and escapes inside syslog",
          line: #"<134>Nov 25 02:40:29 lbhost haproxy[1]: {"t":"25/Nov/2026:02:40:29.039","ft":"fe_main","b":"be_app","s":"web1","TR":0,"Tw":0,"Tc":0,"Tr":0,"Ta":0,"ST":200,"B":185,"tsc":"--NI","hr":"127.0.0.1:18080|curl\/8.0","r":"GET \/index.html HTTP\/1.1"}"#),
]

@Test(arguments: readerLineCases)
func readsLine(_ c: ReaderLineCase) {
    let parser = LogLineParser()
    var e = LogEntry()
    var copy = c.line
    // Slices point into the line: check them while its bytes are alive.
    copy.withUTF8 { buffer in
        #expect(parser.parse(buffer.baseAddress!, count: buffer.count, into: &e) == .record)
        #expect(e.kind == c.kind)
        #expect(e.frontend.string == c.frontend)
        #expect(e.backend.string == c.backend)
        #expect(e.server.string == c.server)
        #expect([e.timeRequest, e.timeQueue, e.timeConnect, e.timeResponse, e.timeActive] == c.timers)
        #expect(e.status == c.status)
        #expect(e.bytesRead == c.bytes)
        #expect(e.terminationString == c.termination)
        #expect(e.retries == c.retries)
        #expect(e.redispatched == c.redispatched)
        #expect((e.hasRequestCaptures ? e.requestCaptures.string : nil) == c.requestCaptures)
        #expect((e.hasResponseCaptures ? e.responseCaptures.string : nil) == c.responseCaptures)
        #expect(e.method.string == c.method)
        #expect(e.uri.string == c.uri)
        #expect(e.isBadRequest == c.badRequest)
        var date = Array(c.date.utf8)
        let expected = date.withUnsafeMutableBufferPointer { LogDate.parseHAProxy($0.baseAddress!, count: $0.count) }
        #expect(e.dateMilliseconds == expected)
    }
}

struct NonRecordCase: CustomTestStringConvertible, Sendable {
    var line: String
    var outcome: LineOutcome
    var testDescription: String { line.isEmpty ? "(empty)" : String(line.prefix(50)) }
}

@Test(arguments: [
    NonRecordCase(line: "", outcome: .blank),
    NonRecordCase(line: "   \r", outcome: .blank),
    NonRecordCase(line: "Nov 25 02:40:58 lbhost haproxy[8293]: Server be_app/web2 enters drain state. 1 active and 0 backup servers online.", outcome: .event),
    NonRecordCase(line: "<128>Nov 25 02:40:59 lbhost haproxy[8293]: backend be_app has no server available!", outcome: .event),
    NonRecordCase(line: "hello world", outcome: .invalid(.missingDate)),
    NonRecordCase(line: "127.0.0.1:1 [25/Nov/2026:02:40:29.039] fe be/s 0/0/0 200", outcome: .invalid(.truncated)),
    NonRecordCase(line: "127.0.0.1:1 [99/Xyz/2026:02:40:29.039] fe be/s 0/0/0/0/0 200 1 - - ---- 1/1/1/1/0 0/0 \"GET / HTTP/1.1\"", outcome: .invalid(.badDate)),
    NonRecordCase(line: "127.0.0.1:1 [25/Nov/2026:02:40:29.039] fe be 0/0/0/0/0 200 1 - - ---- 1/1/1/1/0 0/0 \"GET / HTTP/1.1\"", outcome: .invalid(.badServer)),
    NonRecordCase(line: "127.0.0.1:1 [25/Nov/2026:02:40:29.039] fe be/s 0/0/x/0/0 200 1 - - ---- 1/1/1/1/0 0/0 \"GET / HTTP/1.1\"", outcome: .invalid(.badTimers)),
    NonRecordCase(line: "127.0.0.1:1 [25/Nov/2026:02:40:29.039] fe be/s 0/0/0/0/0 2x0 1 - - ---- 1/1/1/1/0 0/0 \"GET / HTTP/1.1\"", outcome: .invalid(.badStatus)),
    NonRecordCase(line: "127.0.0.1:1 [25/Nov/2026:02:40:29.039] fe be/s 0/0/0/0/0 200 1 - - ----", outcome: .invalid(.truncated)),
    NonRecordCase(line: "{\"status\": 200", outcome: .invalid(.badJSON)),
    NonRecordCase(line: "{\"unknown\": 1}", outcome: .invalid(.badJSON)),
])
func classifiesNonRecords(_ c: NonRecordCase) {
    var e = LogEntry()
    #expect(LogLineParser().parse(c.line, into: &e) == c.outcome)
}

@Test func entryBecomesLogRecord() {
    var e = LogEntry()
    let line = #"127.0.0.1:49268 [25/Nov/2026:02:42:05.653] fe_main~ be_app/web2 0/0/-1/-1/3003 503 217 SID=1 - SCVN 1/2/3/4/+3 5/6 {127.0.0.1:18080|curl/7.88.1} "GET /a?x=1 HTTP/1.1""#
    var copy = line
    copy.withUTF8 { buffer in
        #expect(LogLineParser().parse(buffer.baseAddress!, count: buffer.count, into: &e) == .record)
        let r = LogRecord(e)
        #expect(r.clientAddress == "127.0.0.1" && r.clientPort == 49268)
        #expect(r.frontend == "fe_main" && r.frontendIsTLS)
        #expect(r.backend == "be_app" && r.server == "web2")
        #expect(r.timeConnect == -1 && r.timeResponse == -1 && r.timeActive == 3003)
        #expect(r.status == 503 && r.bytesToClient == 217)
        #expect(r.capturedRequestCookie == "SID=1" && r.capturedResponseCookie == nil)
        #expect(r.terminationState == "SCVN")
        #expect(r.activeConnections == 1 && r.frontendConnections == 2 && r.backendConnections == 3 && r.serverConnections == 4)
        #expect(r.retries == 3 && r.redispatched)
        #expect(r.serverQueue == 5 && r.backendQueue == 6)
        #expect(r.capturedRequestHeaders == ["127.0.0.1:18080", "curl/7.88.1"] && r.capturedResponseHeaders == nil)
        #expect(r.requestLine == "GET /a?x=1 HTTP/1.1" && r.method == "GET" && r.uri == "/a?x=1" && r.httpVersion == "HTTP/1.1")
        #expect(r.requestDateMilliseconds == LogDate.days(year: 2026, month: 11, day: 25).toMilliseconds + (2 * 3600 + 42 * 60 + 5) * 1000 + 653)
        #expect(e.path.string == "/a")
    }
}

extension Int {
    var toMilliseconds: Int64 { Int64(self) * 86_400_000 }
}

@Test func consecutiveLinesReuseTheCachedSecondCorrectly() {
    let parser = LogLineParser()
    var e = LogEntry()
    var dates: [Int64] = []
    for stamp in ["25/Nov/2026:02:40:29.039", "25/Nov/2026:02:40:29.999", "25/Nov/2026:02:40:30.001", "26/Nov/2026:02:40:30.001"] {
        var line = "127.0.0.1:1 [\(stamp)] fe be/s 0/0/0/0/0 200 1 - - ---- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\""
        line.withUTF8 { buffer in
            #expect(parser.parse(buffer.baseAddress!, count: buffer.count, into: &e) == .record)
            dates.append(e.dateMilliseconds)
        }
    }
    #expect(dates[1] - dates[0] == 960)
    #expect(dates[2] - dates[1] == 2)
    #expect(dates[3] - dates[2] == 86_400_000)
}

/// Each line after the first is parsed with the previous line's syslog header cached: the outcome
/// and fields must be those a fresh parser finds, whatever changed (host, tag, padding, spaces, digits,
/// a different format altogether).
@Test func cachedSyslogHeaderAgreesWithAFreshParser() {
    let headers = [
        "Nov 25 02:40:29 lbhost haproxy[8293]: ",
        "Nov 25 02:40:30 lbhost haproxy[8293]: ",
        "Nov 25 02:40:30 lbhost haproxy[8294]: ",
        "Nov 25 02:40:30 lbhosT haproxy[8294]: ",
        "Nov 25 02:40:30 lbhost haproxy[8294]:  ",
        "Nov 25 02:40:30 lbhost haproxy[8294]:",
        "Nov  5 02:40:30 lbhost haproxy[8294]: ",
        "Nov 15 02:40:30 lbhost haproxy[8294]: ",
        "Dec 15 02:40:30 lbhost haproxy[8294]: ",
        "Dec 15 02:4x:30 lbhost haproxy[8294]: ",
        "Dec 15 02:40:30 haproxy[8294]: ",
        "Dec 15 02:40:30 lbhost haproxy: ",
        "Dec 15 02:40:30 lbhost haproxy ",
        "Dec 15 02:40:30 lbhost-with-a-much-longer-name.example.com haproxy[8294]: ",
        "<134>Dec 15 02:40:30 lbhost haproxy[8294]: ",
        "",
        "Dec 15 02:40:30 lbhost haproxy[8294]: ",
    ]
    let cached = LogLineParser()
    var previous = "nothing"
    var records = 0
    for header in headers + headers.reversed() {
        let text = header + sampleMessage
        var line = text
        line.withUTF8 { buffer in
            var fresh = LogEntry(), entry = LogEntry()
            let expected = LogLineParser().parse(buffer.baseAddress!, count: buffer.count, into: &fresh)
            let outcome = cached.parse(buffer.baseAddress!, count: buffer.count, into: &entry)
            #expect(outcome == expected, "after \(previous): \(text)")
            #expect(entry.client.string == fresh.client.string, "after \(previous): \(text)")
            #expect(entry.uri.string == fresh.uri.string, "after \(previous): \(text)")
            if outcome == .record { records += 1 }
        }
        previous = header
    }
    // Most of them are records (the cache is used), not all (it must also be refused).
    #expect(records > headers.count && records < 2 * headers.count)
}

/// A header with a long day run: `locate` wants 9 bytes after the day, so a shorter line with the same
/// header is not a syslog line, and the cache must not say it is.
@Test func cachedSyslogHeaderIsNotUsedWhereLocateWantsMoreBytes() {
    let cached = LogLineParser()
    for text in ["Nov 1234567 1x: : AAAAA", "Nov 1234567 1x: : A", "Nov 25 02:40:30 h t: x", "Nov 25 02:40:30 h t: y"] {
        var line = text
        line.withUTF8 { buffer in
            var fresh = LogEntry(), entry = LogEntry()
            let expected = LogLineParser().parse(buffer.baseAddress!, count: buffer.count, into: &fresh)
            #expect(cached.parse(buffer.baseAddress!, count: buffer.count, into: &entry) == expected, "\(text)")
        }
    }
}
