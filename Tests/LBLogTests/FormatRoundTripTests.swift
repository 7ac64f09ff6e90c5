import Testing
@testable import LBLog

/// What the formatters write, lblog's reader reads back: httplog (with a syslog file prefix) and JSON lines.
@Suite struct FormatRoundTripTests {
    static func parsed(_ line: String) -> LogRecord? {
        var entry = LogEntry()
        guard case .record = LogLineParser().parse(line, into: &entry) else { return nil }
        return LogRecord(entry)
    }

    @Test(arguments: [false, true])
    func readerReadsWhatWeWrite(json: Bool) throws {
        var record = sampleRecord(port: 49268, time: (2, 42, 5, 653), server: "web2", timers: (0, 1, 2, 3, 3003), status: 503,
                                  bytes: 217, termination: "SCVN", retries: 3)
        record.redispatched = true
        let line = json ? JSONRecordFormat.string(record)
                        : "Nov 25 02:42:08 lbhost lb[1]: " + LogFormat.httplog.string(record)
        let back = try #require(Self.parsed(line), "unparsed: \(line)")
        #expect(back.clientAddress == record.clientAddress)
        // The reader's JSON parser does not map `client_port` yet (it reads ports from `ip:port` values).
        if !json { #expect(back.clientPort == record.clientPort) }
        #expect(back.requestDateMilliseconds == record.requestDateMilliseconds)
        #expect(back.backend == record.backend)
        #expect(back.server == record.server)
        #expect([back.timeRequest, back.timeQueue, back.timeConnect, back.timeResponse, back.timeActive] == [0, 1, 2, 3, 3003])
        #expect(back.status == 503)
        #expect(back.bytesToClient == 217)
        #expect(back.terminationState == "SCVN")
        #expect(back.retries == 3)
        #expect(back.redispatched)
        #expect(back.requestLine == record.requestLine)
    }
}
