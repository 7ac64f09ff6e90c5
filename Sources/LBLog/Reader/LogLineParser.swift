/// Turns one log line into a `LogEntry`: strips any syslog header, then reads an httplog/tcplog message
/// or a JSON object. Not thread-safe (it owns a scratch buffer for decoded JSON strings): use one per
/// thread. The entry's slices point into the line or into that scratch buffer and are valid until the
/// next call.
public final class LogLineParser {
    /// The parser's mutable state, behind a pointer: a class's stored `var`s pay a dynamic exclusivity
    /// check on every access, several times a line.
    private struct State {
        var scratch: UnsafeMutablePointer<UInt8>
        var scratchCapacity: Int
        /// Consecutive lines mostly share their date up to the second: the last `dd/Mmm/yyyy:HH:MM:SS`
        /// seen and its value, so only the milliseconds are parsed again.
        var dateCache = DateCache()
        var clfRequestCaptureCount: Int?
        var headerCache = SyslogHeaderCache()
    }
    private let state: UnsafeMutablePointer<State>

    /// How many of a CLF line's trailing capture values are request captures (the number of `capture
    /// request header` lines in the configuration that wrote the log); the rest are response captures.
    /// nil reads them all as request captures: the line itself does not say where the two lists meet.
    public var clfRequestCaptureCount: Int? {
        get { state.pointee.clfRequestCaptureCount }
        set { state.pointee.clfRequestCaptureCount = newValue }
    }

    public init() {
        state = .allocate(capacity: 1)
        state.initialize(to: State(scratch: .allocate(capacity: 4096), scratchCapacity: 4096))
    }

    deinit {
        state.pointee.scratch.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// Parses `count` bytes at `p` (without the newline).
    public func parse(_ p: UnsafePointer<UInt8>, count: Int, into entry: inout LogEntry) -> LineOutcome {
        var n = count
        while n > 0, p[n - 1] == 0x0D || p[n - 1] == 0x20 { n -= 1 }
        // Lines that set no field must not leave a previous line's counts text readable (it points into
        // bytes that may be gone); the others clear it in `resetOptionalFields` or start from a new entry.
        if n == 0 {
            entry.countsText = .empty
            return .blank
        }
        let start: Int
        let hadHeader: Bool
        if let cached = state.pointee.headerCache.messageStart(p, count: n) {
            start = cached
            hadHeader = true
        } else {
            let prefix = SyslogPrefix.locate(p, count: n)
            start = prefix.messageStart
            hadHeader = prefix.hadHeader
            if hadHeader { state.pointee.headerCache.remember(p, count: n, messageStart: start) }
        }
        guard start < n else {
            entry.countsText = .empty
            return hadHeader ? .event : .invalid(.unknownFormat)
        }
        if p[start] == UInt8(ascii: "{") {
            entry = LogEntry()
            reserveScratch(n * 2 + 16)
            var json = JSONLineParser(p, count: n, start: start, scratch: state.pointee.scratch)
            return json.parse(into: &entry)
        }
        entry.resetOptionalFields()
        reserveScratch(n)
        var traffic = TrafficLineParser(p, count: n, start: start)
        traffic.scratch = state.pointee.scratch
        traffic.clfRequestCaptureCount = state.pointee.clfRequestCaptureCount
        let outcome = traffic.parse(into: &entry, dates: &state.pointee.dateCache)
        if case .invalid = outcome, hadHeader, !Self.looksLikeTraffic(p, n, start) {
            // "Server be/web1 is DOWN ...", "Proxy fe started.": a syslog message, not a request.
            return .event
        }
        return outcome
    }

    @inline(__always) private func reserveScratch(_ capacity: Int) {
        guard state.pointee.scratchCapacity < capacity else { return }
        state.pointee.scratch.deallocate()
        state.pointee.scratchCapacity = capacity
        state.pointee.scratch = .allocate(capacity: capacity)
    }

    /// Convenience for tests and small inputs.
    public func parse(_ line: String, into entry: inout LogEntry) -> LineOutcome {
        var copy = line
        return copy.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return .blank }
            return parse(base, count: buffer.count, into: &entry)
        }
    }

    /// A traffic message has a `[` starting its second token (`client [date] ...`), or its fourth after
    /// two `-` (CLF: `client - - [date] ...`).
    static func looksLikeTraffic(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Bool {
        var j = start
        while j < n, p[j] != 0x20 { j += 1 }
        while j < n, p[j] == 0x20 { j += 1 }
        if j + 4 < n, p[j] == UInt8(ascii: "-"), p[j + 1] == 0x20, p[j + 2] == UInt8(ascii: "-"), p[j + 3] == 0x20 {
            j += 4
        }
        return j < n && p[j] == UInt8(ascii: "[")
    }
}

/// The last request date seen, to the second (see `LogLineParser.State.dateCache`).
struct DateCache {
    var key: (UInt64, UInt64, UInt32) = (0, 0, 0)
    var secondsMilliseconds: Int64 = -1

    /// Parses `[dd/Mmm/yyyy:HH:MM:SS.mmm]`'s inside (`p`, `count`), reusing the cached second.
    @inline(__always)
    mutating func parse(_ p: UnsafePointer<UInt8>, count: Int) -> Int64? {
        guard count >= 20 else { return nil }
        let raw = UnsafeRawPointer(p)
        let k = (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                 raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
        var millis: Int64 = 0
        if count >= 24, p[20] == UInt8(ascii: ".") {
            let a = p[21] &- 48, b = p[22] &- 48, c = p[23] &- 48
            if a < 10, b < 10, c < 10 { millis = Int64(a) * 100 + Int64(b) * 10 + Int64(c) } else { return LogDate.parseHAProxy(p, count: count) }
        } else if count != 20 {
            return LogDate.parseHAProxy(p, count: count)
        }
        if secondsMilliseconds >= 0, k == key { return secondsMilliseconds + millis }
        guard let full = LogDate.parseHAProxy(p, count: 20) else { return nil }
        key = k
        secondsMilliseconds = full
        return full + millis
    }
}
