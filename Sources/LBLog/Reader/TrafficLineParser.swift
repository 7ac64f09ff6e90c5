/// Parses the message part of an `option httplog` or `option tcplog` line (after any syslog header) in
/// place: one pass over the bytes, fields split on spaces, numbers parsed directly, text left as slices.
/// The timer field tells the two apart (5 timers: HTTP; 3: TCP). Logs from HAProxy before 1.7 print
/// Tq/Tw/Tc/Tr/Tt at the same place; they are read as TR/Tw/Tc/Tr/Ta.
struct TrafficLineParser {
    let p: UnsafePointer<UInt8>
    let n: Int
    var i: Int
    /// Where CLF capture values are joined with `|` (at least `n` bytes), and how many of them are
    /// request captures (see `LogLineParser.clfRequestCaptureCount`). Unused by httplog and tcplog.
    var scratch: UnsafeMutablePointer<UInt8>?
    var clfRequestCaptureCount: Int?

    init(_ p: UnsafePointer<UInt8>, count: Int, start: Int) {
        self.p = p
        self.n = count
        self.i = start
    }

    static let space = UInt8(ascii: " ")
    static let slash = UInt8(ascii: "/")

    @inline(__always) mutating func token() -> ByteSlice {
        let start = i
        i = ByteScan.find(Self.space, p, from: i, end: n)
        let slice = ByteSlice(base: p + start, count: i - start)
        while i < n, p[i] == Self.space { i += 1 }
        return slice
    }

    /// Signed decimal with optional leading '+' (logasap) — returns nil on anything else.
    @inline(__always) static func integer(_ s: ByteSlice, from: Int = 0, to: Int? = nil) -> Int64? {
        let end = to ?? s.count
        var j = from
        guard j < end, let b = s.base else { return nil }
        var negative = false
        if b[j] == UInt8(ascii: "-") { negative = true; j += 1 } else if b[j] == UInt8(ascii: "+") { j += 1 }
        guard j < end else { return nil }
        var v: Int64 = 0
        while j < end {
            let d = b[j] &- 48
            if d > 9 { return nil }
            v = v &* 10 &+ Int64(d)
            j += 1
        }
        return negative ? -v : v
    }

    /// Reads the current token as up to `max` integers separated by '/', each optionally signed with
    /// '-' or '+' ('+' sets `plus`), and moves past it and the spaces after. nil if malformed.
    @inline(__always)
    mutating func slashIntegers(_ out: UnsafeMutablePointer<Int64>, max: Int, plus: inout Bool) -> Int? {
        var count = 0
        while true {
            guard i < n else { return nil }
            var negative = false
            var c = p[i]
            if c == UInt8(ascii: "-") { negative = true; i += 1 } else if c == UInt8(ascii: "+") { plus = true; i += 1 }
            var v: Int64 = 0
            var digits = 0
            while i < n {
                c = p[i] &- 48
                if c > 9 { break }
                v = v &* 10 &+ Int64(c)
                digits += 1
                i += 1
            }
            guard digits > 0, count < max else { return nil }
            out[count] = negative ? -v : v
            count += 1
            if i < n, p[i] == Self.slash { i += 1; continue }
            guard i == n || p[i] == Self.space else { return nil }
            while i < n, p[i] == Self.space { i += 1 }
            return count
        }
    }

    mutating func parse(into e: inout LogEntry) -> LineOutcome {
        var dates = DateCache()
        return parse(into: &e, dates: &dates)
    }

    mutating func parse(into e: inout LogEntry, dates: inout DateCache) -> LineOutcome {
        e.client = token()
        guard i < n, p[i] == UInt8(ascii: "[") else {
            // `client - - [date]`: CLF's ident and user fields before the date.
            if i < n, p[i] == UInt8(ascii: "-") { return parseCLF(into: &e) }
            return .invalid(.missingDate)
        }
        let date = token()
        guard date.count >= 3, date[date.count - 1] == UInt8(ascii: "]"),
              let ms = dates.parse(date.base! + 1, count: date.count - 2)
        else { return .invalid(.badDate) }
        e.dateMilliseconds = ms
        e.frontend = token()
        let bs = token()
        guard let bsBase = bs.base else { return .invalid(.truncated) }
        var slashAt = -1
        for k in 0..<bs.count where bsBase[k] == Self.slash { slashAt = k; break }
        guard slashAt >= 0 else { return .invalid(.badServer) }
        e.backend = ByteSlice(base: bsBase, count: slashAt)
        e.server = ByteSlice(base: bsBase + slashAt + 1, count: bs.count - slashAt - 1)
        var values: (Int64, Int64, Int64, Int64, Int64) = (0, 0, 0, 0, 0)
        var plus = false
        let timerCount = withUnsafeMutableBytes(of: &values) { raw in
            slashIntegers(raw.baseAddress!.assumingMemoryBound(to: Int64.self), max: 5, plus: &plus)
        }
        guard let timerCount, timerCount == 5 || timerCount == 3 else { return .invalid(.badTimers) }
        e.timerCount = UInt8(timerCount)
        e.timeIsPartial = plus
        if timerCount == 5 {
            e.kind = .http
            e.timeRequest = Int32(clamping: values.0)
            e.timeQueue = Int32(clamping: values.1)
            e.timeConnect = Int32(clamping: values.2)
            e.timeResponse = Int32(clamping: values.3)
            e.timeActive = Int32(clamping: values.4)
            return parseHTTPRest(into: &e)
        } else {
            e.kind = .tcp
            e.timeRequest = -1
            e.timeQueue = Int32(clamping: values.0)
            e.timeConnect = Int32(clamping: values.1)
            e.timeResponse = -1
            e.timeActive = Int32(clamping: values.2)
            return parseTCPRest(into: &e)
        }
    }

    mutating func termination(_ t: ByteSlice, into e: inout LogEntry) {
        var packed: UInt32 = 0
        let len = min(t.count, 4)
        for k in 0..<len { packed |= UInt32(t[k]) << (24 - 8 * UInt32(k)) }
        e.terminationState = packed
        e.terminationLength = UInt8(len)
    }

    /// The counts and queues fields. In their usual shape (unsigned numbers, four slashes then one,
    /// a space after each) they are only checked and kept as text (`LogEntry.countsText`); otherwise
    /// parsed here, which also finds what is wrong with them.
    mutating func counters(into e: inout LogEntry) -> LineOutcome? {
        let start = i
        if let a = SlashNumbersCheck.length(p, from: i, end: n, slashes: 4) {
            var j = i &+ a
            while j < n, p[j] == Self.space { j &+= 1 }
            if let b = SlashNumbersCheck.length(p, from: j, end: n, slashes: 1) {
                e.countsText = ByteSlice(base: p + start, count: j &+ b &- start)
                i = j &+ b
                while i < n, p[i] == Self.space { i &+= 1 }
                return nil
            }
        }
        var counts = ConnectionCounts()
        guard parseCounts(into: &counts) else { return .invalid(.badNumber) }
        e.counts = counts
        return nil
    }

    /// Parses the counts and queues fields byte by byte; false when they are malformed.
    mutating func parseCounts(into counts: inout ConnectionCounts) -> Bool {
        var c: (Int64, Int64, Int64, Int64, Int64) = (0, 0, 0, 0, 0)
        var plus = false
        let cn = withUnsafeMutableBytes(of: &c) { raw in
            slashIntegers(raw.baseAddress!.assumingMemoryBound(to: Int64.self), max: 5, plus: &plus)
        }
        guard cn == 5 else { return false }
        counts.active = Int32(clamping: c.0)
        counts.frontend = Int32(clamping: c.1)
        counts.backend = Int32(clamping: c.2)
        counts.server = Int32(clamping: c.3)
        counts.retries = Int32(clamping: c.4)
        counts.redispatched = plus
        var q: (Int64, Int64) = (0, 0)
        var qplus = false
        let qn = withUnsafeMutableBytes(of: &q) { raw in
            slashIntegers(raw.baseAddress!.assumingMemoryBound(to: Int64.self), max: 2, plus: &qplus)
        }
        guard qn == 2 else { return false }
        counts.serverQueue = Int32(clamping: q.0)
        counts.backendQueue = Int32(clamping: q.1)
        return true
    }

    mutating func parseTCPRest(into e: inout LogEntry) -> LineOutcome {
        guard i < n else { return .invalid(.truncated) }
        guard let bytes = Self.integer(token()) else { return .invalid(.badNumber) }
        e.bytesRead = bytes
        guard i < n else { return .invalid(.truncated) }
        termination(token(), into: &e)
        guard i < n else { return .invalid(.truncated) }
        if let failure = counters(into: &e) { return failure }
        e.status = -1
        return .record
    }

    mutating func parseHTTPRest(into e: inout LogEntry) -> LineOutcome {
        guard i < n, let status = Self.integer(token()) else { return .invalid(i < n ? .badStatus : .truncated) }
        e.status = Int32(clamping: status)
        guard i < n, let bytes = Self.integer(token()) else { return .invalid(i < n ? .badNumber : .truncated) }
        e.bytesRead = bytes
        guard i < n else { return .invalid(.truncated) }
        e.requestCookie = token()
        guard i < n else { return .invalid(.truncated) }
        e.responseCookie = token()
        guard i < n else { return .invalid(.truncated) }
        termination(token(), into: &e)
        guard i < n else { return .invalid(.truncated) }
        if let failure = counters(into: &e) { return failure }
        // Capture blocks may contain spaces: scan each to its closing brace.
        var blocks = 0
        while i < n, p[i] == UInt8(ascii: "{"), blocks < 2 {
            let start = i + 1
            let j = ByteScan.find(UInt8(ascii: "}"), p, from: start, end: n)
            let slice = ByteSlice(base: p + start, count: j - start)
            if blocks == 0 { e.requestCaptures = slice; e.hasRequestCaptures = true } else {
                e.responseCaptures = slice; e.hasResponseCaptures = true
            }
            blocks += 1
            i = min(j + 1, n)
            while i < n, p[i] == Self.space { i += 1 }
        }
        guard i < n, p[i] == UInt8(ascii: "\"") else { return .invalid(.truncated) }
        // The request line: quotes inside it are escaped (#22), so the next quote closes it; a line cut at
        // `len` may have none.
        let start = i + 1
        let j = ByteScan.find(UInt8(ascii: "\""), p, from: start, end: n)
        Self.splitRequestLine(ByteSlice(base: p + start, count: j - start), into: &e)
        return .record
    }

    /// Keeps the request line (quotes excluded) and its method, URI and version, or marks `<BADREQ>`.
    static func splitRequestLine(_ line: ByteSlice, into e: inout LogEntry) {
        e.requestLine = line
        if line.count == 8, line[0] == UInt8(ascii: "<"), line.equals("<BADREQ>") {
            e.isBadRequest = true
            return
        }
        guard let base = line.base else { return }
        // method SP uri SP version
        var k = ByteScan.find(Self.space, base, from: 0, end: line.count)
        e.method = ByteSlice(base: base, count: k)
        while k < line.count, line[k] == Self.space { k += 1 }
        let uriStart = k
        k = ByteScan.find(Self.space, base, from: k, end: line.count)
        e.uri = ByteSlice(base: base + uriStart, count: k - uriStart)
        while k < line.count, line[k] == Self.space { k += 1 }
        e.httpVersion = ByteSlice(base: base + k, count: line.count - k)
    }
}
