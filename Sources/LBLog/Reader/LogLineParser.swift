/// Turns one log line into a `LogEntry`: strips any syslog header, then reads an httplog/tcplog message
/// or a JSON object. Not thread-safe (it owns a scratch buffer for decoded JSON strings): use one per
/// thread. The entry's slices point into the line or into that scratch buffer and are valid until the
/// next call.
public final class LogLineParser {
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int

    public init() {
        scratchCapacity = 4096
        scratch = .allocate(capacity: scratchCapacity)
    }

    deinit { scratch.deallocate() }

    /// Parses `count` bytes at `p` (without the newline).
    public func parse(_ p: UnsafePointer<UInt8>, count: Int, into entry: inout LogEntry) -> LineOutcome {
        var n = count
        while n > 0, p[n - 1] == 0x0D || p[n - 1] == 0x20 { n -= 1 }
        if n == 0 { return .blank }
        let prefix = SyslogPrefix.locate(p, count: n)
        let start = prefix.messageStart
        guard start < n else { return prefix.hadHeader ? .event : .invalid(.unknownFormat) }
        entry = LogEntry()
        if p[start] == UInt8(ascii: "{") {
            if scratchCapacity < n * 2 + 16 {
                scratch.deallocate()
                scratchCapacity = n * 2 + 16
                scratch = .allocate(capacity: scratchCapacity)
            }
            var json = JSONLineParser(p, count: n, start: start, scratch: scratch)
            return json.parse(into: &entry)
        }
        var traffic = TrafficLineParser(p, count: n, start: start)
        let outcome = traffic.parse(into: &entry)
        if case .invalid = outcome, prefix.hadHeader, !Self.looksLikeTraffic(p, n, start) {
            // "Server be/web1 is DOWN ...", "Proxy fe started.": a syslog message, not a request.
            return .event
        }
        return outcome
    }

    /// Convenience for tests and small inputs.
    public func parse(_ line: String, into entry: inout LogEntry) -> LineOutcome {
        var copy = line
        return copy.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return .blank }
            return parse(base, count: buffer.count, into: &entry)
        }
    }

    /// A traffic message has a `[` starting its second token (`client [date] ...`).
    static func looksLikeTraffic(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Bool {
        var j = start
        while j < n, p[j] != 0x20 { j += 1 }
        while j < n, p[j] == 0x20 { j += 1 }
        return j < n && p[j] == UInt8(ascii: "[")
    }
}
