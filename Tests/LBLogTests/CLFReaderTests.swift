import Testing
@testable import LBLog

/// lb's `option httplog clf` lines read back: every field the line carries comes back identical.
@Suite struct CLFReaderTests {
    /// A record as the reader can rebuild it from a CLF line: what the line does not carry keeps
    /// `LogRecord`'s defaults (accept date, Th, Ti, Tt = Ta, addresses of the frontend) and the request
    /// line is also split into its parts.
    static func carried(_ r: LogRecord) -> LogRecord {
        var expected = r
        expected.acceptDateMilliseconds = 0
        expected.utcOffsetSeconds = 0
        expected.timeHandshake = 0
        expected.timeIdle = -1
        expected.timeTotal = r.timeActive
        expected.bytesFromClient = 0
        expected.frontendAddress = "-"
        expected.frontendPort = 0
        if let line = r.requestLine {
            let words = line.split(separator: " ").map(String.init)
            expected.method = words[0]
            expected.uri = words[1]
            expected.httpVersion = words[2]
        }
        return expected
    }

    static func read(_ line: String, requestCaptures: Int? = nil) -> (LineOutcome, LogRecord?) {
        let parser = LogLineParser()
        parser.clfRequestCaptureCount = requestCaptures
        var entry = LogEntry()
        let outcome = parser.parse(line, into: &entry)
        return (outcome, outcome == .record ? LogRecord(entry) : nil)
    }

    static let records: [(name: String, record: LogRecord, requestCaptures: Int?)] = {
        var both = sampleRecord(port: 54800, time: (2, 40, 29, 39), headers: ["h1", ""])
        both.capturedResponseHeaders = ["text/html; charset=utf-8"]
        var failed = sampleRecord(port: 49268, time: (2, 42, 5, 653), server: "web2", timers: (0, 1, -1, -1, 3003), status: 503,
                                  bytes: 217, termination: "SCVN", retries: 3, headers: nil, request: "GET /a?x=1 HTTP/1.1")
        failed.redispatched = true
        failed.backendConnections = 3
        failed.serverConnections = 2
        failed.serverQueue = 5
        failed.backendQueue = 6
        failed.capturedRequestCookie = "SID=abc"
        failed.capturedResponseCookie = "SRV=web2"
        var badRequest = sampleRecord(port: 43656, time: (2, 40, 29, 0), server: "<NOSRV>", timers: (-1, -1, -1, -1, 0),
                                      status: 400, bytes: 0, termination: "PR--", headers: nil, request: nil)
        badRequest.backend = "fe_main"
        var tls = sampleRecord(port: 5000, time: (23, 59, 59, 999), timers: (1, 2, 3, 4, 15), headers: nil,
                               request: "POST /upload HTTP/2.0", frontend: "fe_tls")
        tls.frontendIsTLS = true
        tls.clientAddress = "2001:db8::1"
        tls.utcOffsetSeconds = 3600  // CLF prints the date in UTC (%trg): the instant survives.
        var responseOnly = sampleRecord(port: 1, time: (0, 0, 0, 1), headers: nil)
        responseOnly.capturedResponseHeaders = ["a", "b"]
        return [
            ("request and response captures", both, 2),
            ("failed connect, redispatch, cookies, queues", failed, nil),
            ("<BADREQ>", badRequest, nil),
            ("IPv6 client, TLS frontend, local offset", tls, nil),
            ("response captures only", responseOnly, 0),
        ]
    }()

    @Test(arguments: 0..<5)
    func readsBackWhatTheFormatterWrites(_ index: Int) throws {
        let (name, record, requestCaptures) = Self.records[index]
        let line = LogFormat.httplogCLF.string(record)
        for text in [line, "Nov 25 02:40:29 lbhost lb[1]: " + line, "<134>Nov 25 02:40:29 lb[1]: " + line] {
            let (outcome, back) = Self.read(text, requestCaptures: requestCaptures)
            #expect(outcome == .record, "\(name): \(text)")
            #expect(back == Self.carried(record), "\(name): \(text)")
        }
    }

    @Test func withoutTheCaptureCountAllValuesAreRequestCaptures() {
        var record = sampleRecord(port: 1, time: (2, 0, 0, 0), headers: ["h1", ""])
        record.capturedResponseHeaders = ["r1"]
        let (_, back) = Self.read(LogFormat.httplogCLF.string(record))
        #expect(back?.capturedRequestHeaders == ["h1", "", "r1"])
        #expect(back?.capturedResponseHeaders == nil)
    }

    @Test func entryFieldsUsedByReports() {
        let line = #"10.1.2.3 - - [25/Nov/2026:02:40:29 +0000] "GET /p?q=1 HTTP/1.1" 404 12 "" "" 5555 250 "fe" "be" "s1" 1 2 3 4 +10 "cD--" 1 2 3 4 +1 0 0 "" """#
        let parser = LogLineParser()
        var e = LogEntry()
        #expect(parser.parse(line, into: &e) == .record)
        #expect(e.clientAddress.string == "10.1.2.3" && e.clientPort == 5555)
        #expect(e.dateMilliseconds == epochMilliseconds(2026, 11, 25, 2, 40, 29, 250))
        #expect(e.path.string == "/p" && e.method.string == "GET")
        #expect(e.timeIsPartial && e.timeActive == 10 && e.redispatched && e.retries == 1)
        #expect(e.terminationString == "cD--" && e.status == 404 && e.bytesRead == 12)
        #expect(e.kind == .http && e.timerCount == 5 && !e.hasRequestCaptures)
    }

    static let malformed: [(String, LineError)] = [
        (#"10.0.0.1 - - 25/Nov/2026:02:40:29 +0000 "GET / HTTP/1.1" 200 1"#, .missingDate),
        (#"10.0.0.1 - x [25/Nov/2026:02:40:29 +0000] "GET / HTTP/1.1" 200 1"#, .missingDate),
        (#"10.0.0.1 - - [25/Nov/2026:02:40:29 0000] "GET / HTTP/1.1" 200 1"#, .badDate),
        (#"10.0.0.1 - - [31/Foo/2026:02:40:29 +0000] "GET / HTTP/1.1" 200 1"#, .badDate),
        (#"10.0.0.1 - - [25/Nov/2026:02:40:29 +0000] GET / HTTP/1.1 200 1"#, .badQuotedField),
        (#"10.0.0.1 - - [25/Nov/2026:02:40:29 +0000] "GET / HTTP/1.1 200 1"#, .badQuotedField),
        (#"10.0.0.1 - - [25/Nov/2026:02:40:29 +0000] "GET / HTTP/1.1" OK 1 "" "" 1 2 "f" "b" "s" 0 0 0 0 0 "----" 0 0 0 0 0 0 0 "" """#, .badStatus),
        (#"10.0.0.1 - - [25/Nov/2026:02:40:29 +0000] "GET / HTTP/1.1" 200 1 "" "" 1 1000 "f" "b" "s" 0 0 0 0 0 "----" 0 0 0 0 0 0 0 "" """#, .badNumber),
        (#"10.0.0.1 - - [25/Nov/2026:02:40:29 +0000] "GET / HTTP/1.1" 200 1 "" "" 1 2 "f" "b" "s" 0 0 x 0 0 "----" 0 0 0 0 0 0 0 "" """#, .badTimers),
        (#"10.0.0.1 - - [25/Nov/2026:02:40:29 +0000] "GET / HTTP/1.1" 200 1 "" "" 1 2 "f" "b" "s" 0 0 0 0 0 "----" 0 0 0 0 0 0 0 "" "" "cut"#, .badQuotedField),
        (#"10.0.0.1 - - [25/Nov/2026:02:40:29 +0000] "GET / HTTP/1.1" 200 1 "" "" 1 2 "f" "b" "s" 0 0 0 0 0 "----" 0 0 0"#, .truncated),
        (#"Nov 25 02:40:29 lbhost lb[1]: 10.0.0.1 - - [25/Nov/2026:02:40:29 +0000] "GET / HTTP/1.1" 200"#, .truncated),
    ]

    @Test(arguments: 0..<12)
    func malformedLinesSayWhy(_ index: Int) {
        let (line, reason) = Self.malformed[index]
        var e = LogEntry()
        #expect(LogLineParser().parse(line, into: &e) == .invalid(reason), "\(line)")
    }
}
