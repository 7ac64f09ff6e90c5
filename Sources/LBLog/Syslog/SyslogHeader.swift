/// Writes the syslog header of one message for one target: format, PRI, date, host, tag and pid.
/// Runs on the log writer thread; the calendar of the current second is cached.
struct SyslogHeader: Sendable {
    var format: SyslogFormat
    var facility: SyslogFacility
    /// `log-tag` (default: the program name).
    var tag: String
    /// `log-send-hostname`: nil prints `localhost` in RFC 3164 and `-` in RFC 5424.
    var hostname: String?
    var pid: Int

    private var cachedSecond: Int64 = .min
    private var cachedOffset = 0
    private var cachedTime = CivilTime(epochSeconds: 0)
    /// The whole header of the BSD formats (`local`, `rfc3164`, `file`), which changes only with the second
    /// and the priority: written once, then copied for every message of that second.
    private var bsdHeader: [UInt8] = []
    private var bsdHeaderKey = (second: Int64.min, offset: 0, priority: -1)

    init(format: SyslogFormat, facility: SyslogFacility, tag: String, hostname: String?, pid: Int) {
        self.format = format
        self.facility = facility
        self.tag = tag
        self.hostname = hostname
        self.pid = pid
    }

    /// Appends the header for a message sent at `microseconds` since the epoch (local time at
    /// `utcOffset`). `structuredData` is the RFC 5424 SD element (or nil for `-`).
    mutating func write(level: SyslogLevel, microseconds: Int64, utcOffset: Int, structuredData: ArraySlice<UInt8>?,
                        into output: inout [UInt8]) {
        let priority = facility.rawValue * 8 + level.rawValue
        switch format {
        case .local, .rfc3164, .file:
            let second = Self.second(of: microseconds)
            if bsdHeaderKey != (second, utcOffset, priority) {
                var header: [UInt8] = []
                if format != .file { appendPriority(priority, &header) }
                header.appendSyslogDate(civil(microseconds, utcOffset))
                header.append(0x20)
                if format != .local {
                    header.appendText(hostname ?? "localhost")
                    header.append(0x20)
                }
                header.appendText(tag)
                header.append(0x5B)
                header.appendDecimal(pid)
                header.appendASCII("]: ")
                bsdHeader = header
                bsdHeaderKey = (second, utcOffset, priority)
            }
            output.append(contentsOf: bsdHeader)
        case .rfc5424:
            appendPriority(priority, &output)
            output.appendASCII("1 ")
            appendISO(microseconds, utcOffset, &output)
            output.append(0x20)
            output.appendText(hostname ?? "-")
            output.append(0x20)
            output.appendText(tag)
            output.append(0x20)
            output.appendDecimal(pid)
            output.appendASCII(" - ")
            if let structuredData, !structuredData.isEmpty { output.append(contentsOf: structuredData) } else { output.append(0x2D) }
            output.append(0x20)
        case .priority:
            appendPriority(priority, &output)
        case .short:
            output.append(0x3C)
            output.appendDecimal(level.rawValue)
            output.append(0x3E)
        case .timed:
            output.append(0x3C)
            output.appendDecimal(level.rawValue)
            output.append(0x3E)
            appendISO(microseconds, utcOffset, &output)
            output.append(0x20)
        case .iso:
            appendISO(microseconds, utcOffset, &output)
            output.append(0x20)
        case .raw:
            break
        }
    }

    private func appendPriority(_ priority: Int, _ output: inout [UInt8]) {
        output.append(0x3C)
        output.appendDecimal(priority)
        output.append(0x3E)
    }

    /// `yyyy-mm-ddTHH:MM:SS.uuuuuu+hh:mm`
    private mutating func appendISO(_ microseconds: Int64, _ utcOffset: Int, _ output: inout [UInt8]) {
        output.appendISODate(civil(microseconds, utcOffset))
        output.append(0x2E)
        var fraction = microseconds % 1_000_000
        if fraction < 0 { fraction += 1_000_000 }
        output.appendPadded(Int(fraction), width: 6)
        output.appendUTCOffset(utcOffset, colon: true)
    }

    private static func second(of microseconds: Int64) -> Int64 {
        var seconds = microseconds / 1_000_000
        if microseconds % 1_000_000 < 0 { seconds -= 1 }
        return seconds
    }

    private mutating func civil(_ microseconds: Int64, _ utcOffset: Int) -> CivilTime {
        let seconds = Self.second(of: microseconds)
        if seconds != cachedSecond || utcOffset != cachedOffset {
            cachedSecond = seconds
            cachedOffset = utcOffset
            cachedTime = CivilTime(epochSeconds: seconds, utcOffsetSeconds: utcOffset)
        }
        return cachedTime
    }
}
