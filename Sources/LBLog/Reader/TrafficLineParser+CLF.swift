/// `option httplog clf` lines, as lb and HAProxy print them:
///
///     ci - - [request date, to the second, +zzzz] "request line" ST B "" "" cp ms "ft" "b" "s"
///     TR Tw Tc Tr Ta "tsc" ac fc bc sc rc sq bq "CC" "CS" "request capture"... "response capture"...
///
/// Every field is read: the client address (the port is its own field, `%cp`), the date, the request
/// line, status, bytes, frontend, backend, server, the five timers, the termination state, connection
/// counts, retries (`+` for a redispatch), queues, cookies and header captures. The two empty quoted
/// strings are CLF's referer and user-agent places, which HAProxy leaves empty.
///
/// Two things CLF does not say exactly:
/// - the date: the request date is printed to the second and `%ms` is the *accept* date's millisecond.
///   The entry's date is the two together, which is the request date whenever the request arrived in
///   the second the connection was accepted (the common case). The `+zzzz` offset is checked but not
///   applied: dates stay the wall clock as printed, like the dates of every other line lblog reads.
/// - where request captures end and response captures begin: the values follow each other with nothing
///   in between. With `clfRequestCaptureCount` set (the number of `capture request header` lines of the
///   configuration), the first that many are request captures and the rest response captures; unset,
///   all are read as request captures.
///
/// Strings are quoted with no escape inside (HAProxy writes a `"` in a value as `#22`), so a value ends
/// at the next quote; a field printed without quotes (`-`, a number) is read as one word.
extension TrafficLineParser {
    mutating func parseCLF(into e: inout LogEntry) -> LineOutcome {
        // client (already read) SP "-" SP "-" SP "[" ...
        guard token().equals("-"), i < n, p[i] == UInt8(ascii: "-") else { return .invalid(.missingDate) }
        _ = token()
        guard i < n, p[i] == UInt8(ascii: "[") else { return .invalid(.missingDate) }
        guard let date = clfDate() else { return .invalid(.badDate) }
        e.kind = .http
        e.timerCount = 5
        guard i < n else { return .invalid(.truncated) }
        guard p[i] == UInt8(ascii: "\""), let request = field() else { return .invalid(.badQuotedField) }
        Self.splitRequestLine(request, into: &e)
        guard i < n else { return .invalid(.truncated) }
        guard let status = Self.integer(token()) else { return .invalid(.badStatus) }
        e.status = Int32(clamping: status)
        guard let bytes = number() else { return .invalid(i < n ? .badNumber : .truncated) }
        e.bytesRead = bytes
        // Referer and user agent: always empty in HAProxy's CLF.
        guard field() != nil, field() != nil else { return .invalid(i < n ? .badQuotedField : .truncated) }
        guard let port = number(), let millisecond = number() else { return .invalid(i < n ? .badNumber : .truncated) }
        guard (0...65535).contains(port), (0...999).contains(millisecond) else { return .invalid(.badNumber) }
        e.clientPort = Int32(port)
        e.dateMilliseconds = date + millisecond
        guard let frontend = field(), let backend = field(), let server = field() else {
            return .invalid(i < n ? .badQuotedField : .truncated)
        }
        e.frontend = frontend
        e.backend = backend
        e.server = server
        guard let tr = number(), let tw = number(), let tc = number(), let tresp = number() else {
            return .invalid(i < n ? .badTimers : .truncated)
        }
        e.timeIsPartial = i < n && p[i] == UInt8(ascii: "+")
        guard let ta = number() else { return .invalid(i < n ? .badTimers : .truncated) }
        e.timeRequest = Int32(clamping: tr)
        e.timeQueue = Int32(clamping: tw)
        e.timeConnect = Int32(clamping: tc)
        e.timeResponse = Int32(clamping: tresp)
        e.timeActive = Int32(clamping: ta)
        guard let state = field() else { return .invalid(i < n ? .badQuotedField : .truncated) }
        termination(state, into: &e)
        guard let ac = number(), let fc = number(), let bc = number(), let sc = number() else {
            return .invalid(i < n ? .badNumber : .truncated)
        }
        e.redispatched = i < n && p[i] == UInt8(ascii: "+")
        guard let rc = number(), let sq = number(), let bq = number() else { return .invalid(i < n ? .badNumber : .truncated) }
        e.activeConnections = Int32(clamping: ac)
        e.frontendConnections = Int32(clamping: fc)
        e.backendConnections = Int32(clamping: bc)
        e.serverConnections = Int32(clamping: sc)
        e.retries = Int32(clamping: rc)
        e.serverQueue = Int32(clamping: sq)
        e.backendQueue = Int32(clamping: bq)
        guard let requestCookie = field(), let responseCookie = field() else { return .invalid(i < n ? .badQuotedField : .truncated) }
        e.requestCookie = requestCookie
        e.responseCookie = responseCookie
        return clfCaptures(into: &e)
    }

    /// `[dd/Mmm/yyyy:HH:MM:SS +zzzz]` at `i`: the wall clock in milliseconds (offset checked, not applied).
    mutating func clfDate() -> Int64? {
        let start = i + 1
        var j = start
        while j < n, p[j] != UInt8(ascii: "]") { j += 1 }
        guard j < n else { return nil }
        let count = j - start
        guard count == 20 || count == 26, let value = LogDate.parseHAProxy(p + start, count: 20) else { return nil }
        if count == 26 {
            let zone = p + start + 20
            guard zone[0] == Self.space, zone[1] == UInt8(ascii: "+") || zone[1] == UInt8(ascii: "-"),
                  LogDate.digits(zone, 2, 4) != nil
            else { return nil }
        }
        i = j + 1
        while i < n, p[i] == Self.space { i += 1 }
        return value
    }

    /// A quoted string (without its quotes) or, unquoted, one word; then the spaces after it. nil at the
    /// end of the line, when the closing quote is missing or when something other than a space follows
    /// it (callers tell the end from the rest by `i < n`).
    mutating func field() -> ByteSlice? {
        guard i < n else { return nil }
        guard p[i] == UInt8(ascii: "\"") else { return token() }
        let start = i + 1
        var j = start
        while j < n, p[j] != UInt8(ascii: "\"") { j += 1 }
        guard j < n, j + 1 == n || p[j + 1] == Self.space else { return nil }
        i = j + 1
        while i < n, p[i] == Self.space { i += 1 }
        return ByteSlice(base: p + start, count: j - start)
    }

    /// One word as a signed integer (a leading `+` is allowed), nil at the end or when malformed.
    mutating func number() -> Int64? {
        guard i < n else { return nil }
        return Self.integer(token())
    }

    /// The capture values that end the line, joined with `|` into `scratch` as httplog's `{a|b}`
    /// blocks hold them (a `|` inside a value is escaped as `#7C`), split as `clfRequestCaptureCount` says.
    mutating func clfCaptures(into e: inout LogEntry) -> LineOutcome {
        guard i < n else { return .record }
        guard let scratch else { return .invalid(.truncated) }
        let requestCount = clfRequestCaptureCount ?? Int.max
        var written = 0
        var values = 0
        var responseStart = -1
        while i < n {
            guard let value = field() else { return .invalid(.badQuotedField) }
            if values == requestCount { responseStart = written }
            if values > 0, values != requestCount { scratch[written] = UInt8(ascii: "|"); written += 1 }
            if let base = value.base, value.count > 0 {
                (scratch + written).update(from: base, count: value.count)
                written += value.count
            }
            values += 1
        }
        let requestEnd = responseStart >= 0 ? responseStart : written
        if requestCount > 0 {
            e.requestCaptures = ByteSlice(base: scratch, count: requestEnd)
            e.hasRequestCaptures = true
        }
        if responseStart >= 0 {
            e.responseCaptures = ByteSlice(base: scratch + responseStart, count: written - responseStart)
            e.hasResponseCaptures = true
        }
        return .record
    }
}
