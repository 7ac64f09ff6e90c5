import Testing
@testable import LBLog

@Suite struct SyslogHeaderTests {
    /// 25 Nov 2026 02:40:29.040551 UTC
    static let microseconds = epochMilliseconds(2026, 11, 25, 2, 40, 29) * 1000 + 40_551

    static func header(_ format: SyslogFormat, level: SyslogLevel = .info, facility: SyslogFacility = .local0,
                       hostname: String? = "lbhost", offset: Int = 0, sd: [UInt8]? = nil) -> String {
        var header = SyslogHeader(format: format, facility: facility, tag: "haproxy", hostname: hostname, pid: 8293)
        var output: [UInt8] = []
        header.write(level: level, microseconds: microseconds, utcOffset: offset, structuredData: sd?[...], into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    @Test(arguments: [
        (SyslogFormat.local, "<134>Nov 25 02:40:29 haproxy[8293]: "),
        (.rfc3164, "<134>Nov 25 02:40:29 lbhost haproxy[8293]: "),
        (.rfc5424, "<134>1 2026-11-25T02:40:29.040551+00:00 lbhost haproxy 8293 - - "),
        (.priority, "<134>"),
        (.short, "<6>"),
        (.timed, "<6>2026-11-25T02:40:29.040551+00:00 "),
        (.iso, "2026-11-25T02:40:29.040551+00:00 "),
        (.raw, ""),
        (.file, "Nov 25 02:40:29 lbhost haproxy[8293]: "),
    ])
    func formats(format: SyslogFormat, expected: String) {
        #expect(Self.header(format) == expected)
    }

    @Test func priorityIsFacilityTimesEightPlusLevel() {
        #expect(Self.header(.priority, level: .err) == "<131>")
        #expect(Self.header(.priority, level: .emerg, facility: .kern) == "<0>")
        #expect(Self.header(.priority, level: .debug, facility: .local7) == "<191>")
        #expect(Self.header(.priority, level: .info, facility: .local1) == "<142>")
    }

    /// One header writes every message of a target: within a second it reuses what it wrote, and a new
    /// level, second or UTC offset each give a header of their own.
    @Test func successiveMessagesGetTheirOwnLevelSecondAndOffset() {
        var header = SyslogHeader(format: .rfc3164, facility: .local0, tag: "lb", hostname: "h", pid: 7)
        func write(_ level: SyslogLevel, _ microseconds: Int64, offset: Int = 0) -> String {
            var output: [UInt8] = [0x41]
            header.write(level: level, microseconds: microseconds, utcOffset: offset, structuredData: nil, into: &output)
            return String(decoding: output, as: UTF8.self)
        }
        let second = Self.microseconds - 40_551
        #expect(write(.info, second) == "A<134>Nov 25 02:40:29 h lb[7]: ")
        #expect(write(.info, second + 999_999) == "A<134>Nov 25 02:40:29 h lb[7]: ")
        #expect(write(.err, second + 500_000) == "A<131>Nov 25 02:40:29 h lb[7]: ")
        #expect(write(.err, second + 1_000_000) == "A<131>Nov 25 02:40:30 h lb[7]: ")
        #expect(write(.err, second + 1_000_000, offset: 3600) == "A<131>Nov 25 03:40:30 h lb[7]: ")
        #expect(write(.info, second - 1) == "A<134>Nov 25 02:40:28 h lb[7]: ")
    }

    @Test func dayIsSpacePaddedAndHostnameDefaults() {
        var header = SyslogHeader(format: .rfc3164, facility: .local0, tag: "lb", hostname: nil, pid: 1)
        var output: [UInt8] = []
        header.write(level: .info, microseconds: epochMilliseconds(2026, 3, 5, 9, 8, 7) * 1000, utcOffset: 3600,
                     structuredData: nil, into: &output)
        #expect(String(decoding: output, as: UTF8.self) == "<134>Mar  5 10:08:07 localhost lb[1]: ")
        #expect(Self.header(.rfc5424, hostname: nil, offset: -16_200).hasPrefix("<134>1 2026-11-24T22:10:29.040551-04:30 - haproxy"))
    }

    @Test func rfc5424CarriesStructuredData() {
        var record = sampleRecord(port: 1, time: (0, 0, 0, 0), server: "we\"b]1")
        record.status = 503
        var sd: [UInt8] = []
        LBStructuredData.render(record, into: &sd)
        let text = Self.header(.rfc5424, sd: sd)
        #expect(text == #"<134>1 2026-11-25T02:40:29.040551+00:00 lbhost haproxy 8293 - [lb@32473 fe="fe_main" be="be_app" srv="we\"b\]1" st="503" TR="0" Tw="0" Tc="0" Tr="0" Ta="0" Tt="0" ts="--NI" ci="127.0.0.1" B="185"] "#)
    }

    @Test(arguments: [
        (200, "--NI", 0, false, false), (503, "SC--", 0, false, true), (400, "PR--", 0, false, true),
        (200, "LR--", 0, false, false), (200, "--VN", 2, false, true), (200, "----", 0, true, true),
        (404, "cD--", 0, false, true),
    ] as [(Int, String, Int, Bool, Bool)])
    func errorRecordsForLogSeparateErrors(status: Int, termination: String, retries: Int, redispatched: Bool, isError: Bool) {
        var record = sampleRecord(port: 1, time: (0, 0, 0, 0), status: status, termination: termination, retries: retries)
        record.redispatched = redispatched
        #expect(record.isError == isError)
        #expect(LogPipeline.level(for: record, separateErrors: true) == (isError ? .err : .info))
        #expect(LogPipeline.level(for: record, separateErrors: false) == .info)
    }
}
