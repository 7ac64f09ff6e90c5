import Testing
@testable import LBLog

/// The formatting side of `unique-id-format` and `option logasap`: HAProxy's `X` flag on the items unique
/// ids are built from, the record's own request counter for `%rt`, and the `+` of a record sent early.
@Suite struct UniqueIDAndLogASAPFormatTests {
    static var record: LogRecord {
        var record = sampleRecord(port: 54800, time: (2, 40, 29, 39))
        record.frontendAddress = "10.0.0.1"
        record.frontendPort = 80
        record.requestCounter = 3
        return record
    }

    @Test(arguments: [
        // HAProxy's example: addresses as their bytes, ports and counters on at least 4 digits.
        ("%{+X}o %ci:%cp_%fi:%fp_%Ts_%rt:%pid", "7F000001:D610_0A000001:0050_6B064A9D_0003:206D"),
        ("%{+X}ms %{+X}cp", "27 D610"),
        ("%ci:%cp_%rt", "127.0.0.1:54800_3"),
        // Numbers HAProxy has no hex form for keep lb's plain hex.
        ("%{+X}ST", "C8"),
    ] as [(String, String)])
    func hexFlag(format: String, expected: String) throws {
        let line = try LogFormat(format).string(Self.record, context: LogRenderContext(hostname: "h", pid: 8301))
        #expect(line == expected)
    }

    @Test func ipv6AddressesTake32HexDigits() throws {
        var record = Self.record
        record.clientAddress = "2001:db8::1"
        #expect(try LogFormat("%{+X}ci").string(record) == "20010DB8000000000000000000000001")
        record.clientAddress = "-"
        #expect(try LogFormat("%{+X}ci").string(record) == "-")
    }

    @Test func requestCounterFallsBackToTheContext() throws {
        var record = Self.record
        record.requestCounter = nil
        var context = LogRenderContext()
        context.requestCounter = 9
        #expect(try LogFormat("%rt").string(record, context: context) == "9")
    }

    @Test func usesTellsWhetherAnItemIsPrinted() throws {
        #expect(try LogFormat("%ci_%rt").uses(.requestCounter))
        #expect(try !LogFormat("%ci_%Ts").uses(.requestCounter))
        #expect(!LogFormat.httplog.uses(.requestCounter))
    }

    @Test func logASAPPrefixesTimesAndBytes() throws {
        var record = sampleRecord(port: 54800, time: (2, 40, 29, 39), timers: (0, 0, 1, 2, 3), bytes: 120)
        record.timeIdle = 0
        record.timeTotal = 3
        record.logASAP = true
        let line = LogFormat.httplog.string(record)
        #expect(line.contains(" 0/0/1/2/+3 200 +120 "), "\(line)")
        #expect(try LogFormat("%Ta %Tt %Tu %B %U %Tr").string(record) == "+3 +3 +3 +120 0 2")
        // JSON stays typed: plain numbers, and a flag that says they are the values so far.
        let json = JSONRecordFormat.string(record)
        #expect(json.contains(#""time_active":3,"#) && json.contains(#""bytes_to_client":120,"#))
        #expect(json.hasSuffix(#""log_asap":true}"#))
        #expect(try LogFormat("%{+json}o %(ta)Ta %(bytes)B").string(record) == #"{"ta": 3, "bytes": 120}"#)
    }

    @Test func readerTakesTheLogASAPLineBack() throws {
        var record = sampleRecord(port: 54800, time: (2, 40, 29, 39), timers: (0, 0, 1, 2, 3), bytes: 120)
        record.logASAP = true
        var entry = LogEntry()
        let line = "Nov 25 02:40:29 lbhost lb[1]: " + LogFormat.httplog.string(record)
        guard case .record = LogLineParser().parse(line, into: &entry) else {
            Issue.record("unparsed: \(line)")
            return
        }
        let back = LogRecord(entry)
        #expect(back.timeActive == 3 && back.bytesToClient == 120 && back.status == 200)
    }
}
