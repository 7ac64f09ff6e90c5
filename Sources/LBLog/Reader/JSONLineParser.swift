/// Reads one JSON object per line into a `LogEntry`. Keys may be HAProxy's log-format aliases (`ci`, `TR`,
/// `Ta`, `ST`, `tsc`, ... — case-sensitive, as in log-format), `LogRecord`'s property names, or their
/// snake_case forms (`client_address`, `time_active`, `status`). Strings with escapes are decoded into the
/// parser's scratch buffer; unknown keys and nested values are skipped.
struct JSONLineParser {
    let p: UnsafePointer<UInt8>
    let n: Int
    var i: Int
    /// Decoded strings land here; sized by the caller to at least the line length so it never moves.
    let scratch: UnsafeMutablePointer<UInt8>
    var scratchUsed = 0

    init(_ p: UnsafePointer<UInt8>, count: Int, start: Int, scratch: UnsafeMutablePointer<UInt8>) {
        self.p = p
        self.n = count
        self.i = start
        self.scratch = scratch
    }

    enum Value {
        case string(ByteSlice)
        case number(Int64)
        case null
        case other
    }

    enum Field {
        case client, date, acceptDate, frontend, backend, server, tr, tw, tc, trr, ta, tt, status, bytes, term
        case ac, fc, bc, sc, rc, sq, bq, requestLine, method, uri, version, reqCaptures, respCaptures
        case requestCookie, responseCookie, redispatched, isHTTP
    }

    static let exactAliases: [String: Field] = [
        "ci": .client, "tr": .date, "t": .date, "ft": .frontend, "f": .frontend, "b": .backend, "s": .server,
        "TR": .tr, "Tq": .tr, "Tw": .tw, "Tc": .tc, "Tr": .trr, "Ta": .ta, "Tt": .tt, "ST": .status, "st": .status,
        "trs": .trr, "tw": .tw, "tc": .tc, "ta": .ta, "tt": .tt, "B": .bytes, "tsc": .term, "ts": .term, "ac": .ac, "fc": .fc, "bc": .bc, "sc": .sc, "rc": .rc,
        "sq": .sq, "bq": .bq, "r": .requestLine, "HM": .method, "HU": .uri, "HV": .version,
        "hr": .reqCaptures, "hs": .respCaptures, "CC": .requestCookie, "CS": .responseCookie,
    ]

    /// Long names, compared lower-cased with `_` and `-` removed.
    static let longNames: [String: Field] = [
        "clientaddress": .client, "clientip": .client, "client": .client, "src": .client,
        "requestdatemilliseconds": .date, "acceptdatemilliseconds": .acceptDate, "requestdate": .date,
        "acceptdate": .acceptDate, "requestms": .date, "acceptms": .acceptDate, "date": .date, "timestamp": .date, "@timestamp": .date, "time": .date,
        "frontend": .frontend, "frontendname": .frontend, "backend": .backend, "backendname": .backend,
        "server": .server, "servername": .server,
        "timerequest": .tr, "timequeue": .tw, "timeconnect": .tc, "timeresponse": .trr, "timeactive": .ta,
        "timetotal": .tt, "status": .status, "statuscode": .status, "bytestoclient": .bytes,
        "bytesread": .bytes, "bytes": .bytes, "terminationstate": .term, "termination": .term,
        "activeconnections": .ac, "frontendconnections": .fc, "backendconnections": .bc,
        "serverconnections": .sc, "retries": .rc, "serverqueue": .sq, "backendqueue": .bq,
        "requestline": .requestLine, "request": .requestLine, "method": .method, "uri": .uri, "url": .uri,
        "httpversion": .version, "capturedrequestheaders": .reqCaptures, "capturedresponseheaders": .respCaptures,
        "capturedrequestcookie": .requestCookie, "capturedresponsecookie": .responseCookie,
        "redispatched": .redispatched, "ishttp": .isHTTP, "actconn": .ac, "feconn": .fc, "beconn": .bc,
        "srvconn": .sc, "srvqueue": .sq, "reqheaders": .reqCaptures, "resheaders": .respCaptures,
        "reqcookie": .requestCookie, "rescookie": .responseCookie, "version": .version,
    ]

    static func field(for key: ByteSlice) -> Field? {
        let text = key.string
        if let f = exactAliases[text] { return f }
        var folded = ""
        for ch in text.lowercased() where ch != "_" && ch != "-" { folded.append(ch) }
        return longNames[folded]
    }

    @inline(__always) mutating func skipWhitespace() {
        while i < n, p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0D { i += 1 }
    }

    mutating func parseString() -> ByteSlice? {
        guard i < n, p[i] == UInt8(ascii: "\"") else { return nil }
        i += 1
        let start = i
        while i < n, p[i] != UInt8(ascii: "\""), p[i] != UInt8(ascii: "\\") { i += 1 }
        guard i < n else { return nil }
        if p[i] == UInt8(ascii: "\"") {
            i += 1
            return ByteSlice(base: p + start, count: i - 1 - start)
        }
        // Escapes: decode into scratch.
        let out = scratch + scratchUsed
        var o = 0
        for k in start..<i { out[o] = p[k]; o += 1 }
        while i < n {
            let c = p[i]
            if c == UInt8(ascii: "\"") { i += 1; scratchUsed += o; return ByteSlice(base: UnsafePointer(out), count: o) }
            if c == UInt8(ascii: "\\") {
                guard i + 1 < n else { return nil }
                let e = p[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "n"): out[o] = 0x0A
                case UInt8(ascii: "t"): out[o] = 0x09
                case UInt8(ascii: "r"): out[o] = 0x0D
                case UInt8(ascii: "b"): out[o] = 0x08
                case UInt8(ascii: "f"): out[o] = 0x0C
                case UInt8(ascii: "u"):
                    guard i + 4 <= n else { return nil }
                    var code: UInt32 = 0
                    for k in 0..<4 {
                        let h = p[i + k]
                        let v: UInt8
                        switch h {
                        case 48...57: v = h - 48
                        case 65...70: v = h - 55
                        case 97...102: v = h - 87
                        default: return nil
                        }
                        code = code << 4 | UInt32(v)
                    }
                    i += 4
                    // Encode as UTF-8 (surrogates are kept as U+FFFD: headers are bytes, not text).
                    let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                    for byte in String(scalar).utf8 { out[o] = byte; o += 1 }
                    continue
                default: out[o] = e
                }
                o += 1
                continue
            }
            out[o] = c
            o += 1
            i += 1
        }
        return nil
    }

    mutating func parseValue() -> Value? {
        skipWhitespace()
        guard i < n else { return nil }
        let c = p[i]
        if c == UInt8(ascii: "\"") { return parseString().map { .string($0) } }
        if c == UInt8(ascii: "-") || (c >= 48 && c <= 57) {
            var negative = false
            if c == UInt8(ascii: "-") { negative = true; i += 1 }
            var v: Int64 = 0
            while i < n, p[i] >= 48, p[i] <= 57 { v = v &* 10 &+ Int64(p[i] - 48); i += 1 }
            // Fractions and exponents: keep the integer part.
            while i < n, p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")
                || p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") || (p[i] >= 48 && p[i] <= 57) { i += 1 }
            return .number(negative ? -v : v)
        }
        if c == UInt8(ascii: "n"), i + 4 <= n { i += 4; return .null }
        if c == UInt8(ascii: "t"), i + 4 <= n { i += 4; return .number(1) }
        if c == UInt8(ascii: "f"), i + 5 <= n { i += 5; return .number(0) }
        if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
            // Skip a nested value, honouring strings.
            var depth = 0
            while i < n {
                let b = p[i]
                if b == UInt8(ascii: "\"") { guard parseString() != nil else { return nil }; continue }
                if b == UInt8(ascii: "[") || b == UInt8(ascii: "{") { depth += 1 }
                if b == UInt8(ascii: "]") || b == UInt8(ascii: "}") {
                    depth -= 1
                    if depth == 0 { i += 1; return .other }
                }
                i += 1
            }
            return nil
        }
        return nil
    }

    /// Array of strings (header captures) joined with `|` into scratch, as httplog prints them.
    mutating func parseStringArray() -> ByteSlice? {
        guard i < n, p[i] == UInt8(ascii: "[") else { return nil }
        i += 1
        var parts: [ByteSlice] = []
        while true {
            skipWhitespace()
            guard i < n else { return nil }
            if p[i] == UInt8(ascii: "]") { i += 1; break }
            if p[i] == UInt8(ascii: ",") { i += 1; continue }
            if p[i] == UInt8(ascii: "n"), i + 4 <= n { i += 4; parts.append(.empty); continue }
            guard let s = parseString() else { return nil }
            parts.append(s)
        }
        let out = scratch + scratchUsed
        var o = 0
        for (index, part) in parts.enumerated() {
            if index > 0 { out[o] = UInt8(ascii: "|"); o += 1 }
            for k in 0..<part.count { out[o] = part[k]; o += 1 }
        }
        scratchUsed += o
        return ByteSlice(base: UnsafePointer(out), count: o)
    }

    mutating func parse(into e: inout LogEntry) -> LineOutcome {
        guard i < n, p[i] == UInt8(ascii: "{") else { return .invalid(.badJSON) }
        i += 1
        var known = 0
        var sawTa = false, sawHTTPField = false, sawTimers = false
        var explicitKind: LogEntry.Kind?
        var dateRank = 0
        e.timeActive = -1
        while true {
            skipWhitespace()
            guard i < n else { return .invalid(.badJSON) }
            if p[i] == UInt8(ascii: "}") { i += 1; break }
            if p[i] == UInt8(ascii: ",") { i += 1; continue }
            guard let key = parseString() else { return .invalid(.badJSON) }
            skipWhitespace()
            guard i < n, p[i] == UInt8(ascii: ":") else { return .invalid(.badJSON) }
            i += 1
            skipWhitespace()
            let field = Self.field(for: key)
            if field == .reqCaptures || field == .respCaptures, i < n, p[i] == UInt8(ascii: "[") {
                guard let joined = parseStringArray() else { return .invalid(.badJSON) }
                if field == .reqCaptures { e.requestCaptures = joined; e.hasRequestCaptures = true } else {
                    e.responseCaptures = joined; e.hasResponseCaptures = true
                }
                known += 1
                continue
            }
            guard let value = parseValue() else { return .invalid(.badJSON) }
            guard let field else { continue }
            known += 1
            switch (field, value) {
            case (.client, .string(let s)): e.client = s
            case (.date, .number(let v)) where key.equals("tr"):
                // lb's JSON uses `tr` for the TR timer; HAProxy's log-format alias `tr` is the date (a string).
                e.timeRequest = Int32(clamping: v); sawTimers = true
            case (.date, .string(let s)), (.acceptDate, .string(let s)):
                // Wall-clock time as printed (the offset is ignored), like the dates of text lines.
                guard let base = s.base else { break }
                let rank = field == .date ? 4 : 2
                guard rank > dateRank else { break }
                if let ms = LogDate.parseISO(base, count: s.count, applyOffset: false)
                    ?? LogDate.parseHAProxy(base, count: s.count) {
                    e.dateMilliseconds = ms
                    dateRank = rank
                } else { return .invalid(.badDate) }
            case (.date, .number(let v)), (.acceptDate, .number(let v)):
                let rank = field == .date ? 3 : 1
                guard rank > dateRank, v > 0 else { break }
                e.dateMilliseconds = v > 100_000_000_000 ? v : v * 1000
                dateRank = rank
            case (.frontend, .string(let s)): e.frontend = s
            case (.backend, .string(let s)): e.backend = s
            case (.server, .string(let s)): e.server = s
            case (.tr, .number(let v)): e.timeRequest = Int32(clamping: v); sawTimers = true
            case (.tw, .number(let v)): e.timeQueue = Int32(clamping: v); sawTimers = true
            case (.tc, .number(let v)): e.timeConnect = Int32(clamping: v); sawTimers = true
            case (.trr, .number(let v)): e.timeResponse = Int32(clamping: v); sawTimers = true
            case (.ta, .number(let v)): e.timeActive = Int32(clamping: v); sawTa = true; sawTimers = true
            case (.tt, .number(let v)): if !sawTa { e.timeActive = Int32(clamping: v) }; sawTimers = true
            case (.status, .number(let v)): e.status = Int32(clamping: v); if v >= 0 { sawHTTPField = true }
            case (.bytes, .number(let v)): e.bytesRead = v
            case (.term, .string(let s)):
                var packed: UInt32 = 0
                let len = min(s.count, 4)
                for k in 0..<len { packed |= UInt32(s[k]) << (24 - 8 * UInt32(k)) }
                e.terminationState = packed
                e.terminationLength = UInt8(len)
            case (.ac, .number(let v)): e.activeConnections = Int32(clamping: v)
            case (.fc, .number(let v)): e.frontendConnections = Int32(clamping: v)
            case (.bc, .number(let v)): e.backendConnections = Int32(clamping: v)
            case (.sc, .number(let v)): e.serverConnections = Int32(clamping: v)
            case (.rc, .number(let v)): e.retries = Int32(clamping: v)
            case (.rc, .string(let s)):
                // "+3": redispatched.
                if let v = TrafficLineParser.integer(s) { e.retries = Int32(clamping: v) }
                if s.count > 0, s[0] == UInt8(ascii: "+") { e.redispatched = true }
            case (.sq, .number(let v)): e.serverQueue = Int32(clamping: v)
            case (.bq, .number(let v)): e.backendQueue = Int32(clamping: v)
            case (.requestLine, .string(let s)):
                e.requestLine = s
                sawHTTPField = true
                if s.equals("<BADREQ>") { e.isBadRequest = true }
            case (.method, .string(let s)): e.method = s
            case (.uri, .string(let s)): e.uri = s
            case (.version, .string(let s)): e.httpVersion = s
            case (.reqCaptures, .string(let s)): e.requestCaptures = s; e.hasRequestCaptures = true
            case (.respCaptures, .string(let s)): e.responseCaptures = s; e.hasResponseCaptures = true
            case (.requestCookie, .string(let s)): e.requestCookie = s
            case (.responseCookie, .string(let s)): e.responseCookie = s
            case (.redispatched, .number(let v)): e.redispatched = v != 0
            case (.isHTTP, .number(let v)): explicitKind = v != 0 ? .http : .tcp
            default: break  // null or a type that does not fit: the field stays unknown
            }
        }
        guard known > 0 else { return .invalid(.badJSON) }
        e.kind = explicitKind ?? (sawHTTPField ? .http : .tcp)
        e.timerCount = sawTimers ? (e.kind == .http ? 5 : 3) : 0
        // Method/URI from the request line when not given separately.
        if e.uri.isEmpty, !e.requestLine.isEmpty, !e.isBadRequest, let base = e.requestLine.base {
            let line = e.requestLine
            var k = 0
            while k < line.count, line[k] != 0x20 { k += 1 }
            if e.method.isEmpty { e.method = ByteSlice(base: base, count: k) }
            while k < line.count, line[k] == 0x20 { k += 1 }
            let start = k
            while k < line.count, line[k] != 0x20 { k += 1 }
            e.uri = ByteSlice(base: base + start, count: k - start)
            while k < line.count, line[k] == 0x20 { k += 1 }
            if e.httpVersion.isEmpty { e.httpVersion = ByteSlice(base: base + k, count: line.count - k) }
        }
        return .record
    }
}
