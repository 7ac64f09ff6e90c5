import LBLog

/// Everything a report needs, accumulated line by line on one thread. Memory is bounded by the number
/// of distinct names (frontends, servers, URLs, `--by` keys) and by the timeline's slot cap, never by the
/// number of lines. Workers each fill one and `merge` them at the end.
public struct Aggregator: Sendable {
    struct GroupKey: Hashable, Sendable {
        var a: Int64 = 0, b: Int64 = 0, c: Int64 = 0
    }

    /// An unparsable line whose line number is relative to its work unit until the scanner resolves it.
    struct PendingInvalid: Sendable {
        var unit: Int
        var line: Int
        var reason: LineError
        var text: String
    }

    /// A server state change whose line number is relative to its work unit until the scanner resolves it.
    struct PendingStateChange: Sendable {
        var unit: Int
        var line: Int
        var event: ServerStateEvent
    }

    public let options: ReportOptions

    var frontends = ByteInterner()
    var backends = ByteInterner()
    /// Keyed by the `backend/server` text, as halog `-srv` names them.
    var servers = ByteInterner()
    /// URL ids for `--by url` only; the top-URL tables live in `urlTable`.
    var urls = ByteInterner()
    var methods = ByteInterner()
    var clients = ByteInterner()
    var headerValues = ByteInterner()

    public internal(set) var lines = 0
    public internal(set) var records = 0
    public internal(set) var httpRecords = 0
    public internal(set) var tcpRecords = 0
    public internal(set) var blankLines = 0
    public internal(set) var eventLines = 0
    public internal(set) var filteredOut = 0
    public internal(set) var invalidCount = 0
    var invalidByReason: [LineError: Int] = [:]
    var pendingInvalid: [PendingInvalid] = []
    /// Server state changes read from event lines, at most `ServerStateChanges.kept` per worker.
    var pendingStateChanges: [PendingStateChange] = []
    /// Every state change seen, per `backend/server` and state (DOWN, UP, MAINT, DRAIN).
    var stateChangeCounts: [String: [String: Int]] = [:]

    public internal(set) var firstDate = Int64.max
    public internal(set) var lastDate = Int64.min
    var statusCounts = [Int](repeating: 0, count: 600)
    var statusOther = 0
    /// By the first two termination characters (halog `-tc`), indexed `c1 << 8 | c2`.
    var terminationCounts = [Int](repeating: 0, count: 65536)
    var terminationErrors = [Int](repeating: 0, count: 65536)

    /// Records the proxy itself ended (termination state starting with `P`: a deny, tarpit, reject, a
    /// limit), counted by client address for the top denied clients.
    public internal(set) var denied = 0
    var deniedClients = ByteInterner()
    var deniedCounts: [Int] = []

    public internal(set) var errors = 0
    public internal(set) var serverErrors = 0
    public internal(set) var aborted = 0
    /// Per line, stats go to one *route* (frontend + backend/server, HTTP or TCP): a single histogram
    /// update per timer instead of four. Frontend, backend, server and overall views are merged from
    /// routes by `finish()`.
    var routes = ByteInterner()
    var routeParts: [(frontend: Int32, backend: Int32, server: Int32)] = []
    /// Index `route * 2` for HTTP, `route * 2 + 1` for TCP.
    var routeStats: [GroupStats] = []
    /// HTTP requests only (TCP session times would distort request latency). Filled by `finish()`.
    public internal(set) var overall = GroupStats()
    public internal(set) var tcpOverall = GroupStats()
    var frontendStats: [GroupStats] = []
    var backendStats: [GroupStats] = []
    var serverStats: [GroupStats] = []
    /// halog `-pct` view: TR, Tc, Tr, Td over HTTP lines with no -1 timer (Td = Ta − TR − Tw − Tc − Tr;
    /// the rare negative Td values are kept apart, by value).
    var halogTimers = [LogHistogram(), LogHistogram(), LogHistogram(), LogHistogram()]
    var halogNegativeDataTimes: [Int: Int] = [:]
    /// Route and halog timer values below 2048 ms, counted apart until `foldExactTimers`.
    var exactTimers = ExactTimerCounts()
    /// Requests, errors, Σ Ta and Ta distribution per URL key (see `urlKey`).
    var urlTable = URLTable()
    /// The URL tables of the aggregates merged into this one: the report combines them with
    /// `urlTable` when it ranks URLs (on two threads), rather than `merge` folding them in on one.
    var mergedURLTables: [URLTable] = []
    /// Every table holding this aggregate's URLs; a URL may be in several.
    var urlTables: [URLTable] { [urlTable] + mergedURLTables }
    public internal(set) var timeline: Timeline
    public internal(set) var slowest: SlowestRequests
    var groupIndex: [GroupKey: Int] = [:]
    var groupKeys: [GroupKey] = []
    var groupStats: [GroupStats] = []
    var groupPrecision: Int
    public internal(set) var sloGood = 0
    public internal(set) var sloTotal = 0

    public init(options: ReportOptions) {
        self.options = options
        timeline = Timeline(width: options.interval ?? 1000)
        slowest = SlowestRequests(capacity: options.top)
        groupPrecision = options.groupBy.contains(where: \.isHighCardinality) ? 3 : 7
    }

    /// Accounts for one line. `unit`/`lineNumber` locate it for the unparsable-line report.
    public mutating func add(outcome: LineOutcome, entry e: LogEntry, line: UnsafePointer<UInt8>, count: Int,
                             unit: Int, lineNumber: Int, urlID: Int32 = -1) {
        ownSharedState()
        withUnsafePointer(to: e) { add(outcome: outcome, entryAt: $0, line: line, count: count, unit: unit, lineNumber: lineNumber, urlID: urlID) }
    }

    /// `add(outcome:entry:...)` reading the entry where it lies: a `LogEntry` is 300 bytes, and passed
    /// by value from the batch it was copied for every line.
    @inline(__always)
    mutating func add(outcome: LineOutcome, entryAt e: UnsafePointer<LogEntry>, line: UnsafePointer<UInt8>, count: Int,
                      unit: Int, lineNumber: Int, urlID: Int32 = -1) {
        lines += 1
        switch outcome {
        case .record:
            add(e, line: line, count: count, urlID: urlID)
        case .blank:
            blankLines += 1
        case .event:
            eventLines += 1
            // Rare lines: reading them as state changes costs nothing next to the records.
            if let event = ServerStateEvent.parse(line, count: count) {
                stateChangeCounts[event.server, default: [:]][event.state, default: 0] += 1
                if pendingStateChanges.count < ServerStateChanges.kept {
                    pendingStateChanges.append(PendingStateChange(unit: unit, line: lineNumber, event: event))
                }
            }
        case .invalid(let reason):
            invalidCount += 1
            invalidByReason[reason, default: 0] += 1
            if pendingInvalid.count < options.invalidSamples {
                let text = String(decoding: UnsafeBufferPointer(start: line, count: min(count, 400)), as: UTF8.self)
                pendingInvalid.append(PendingInvalid(unit: unit, line: lineNumber, reason: reason, text: text))
            }
        }
    }

    /// The URL key of an HTTP record: the path (or the whole URI with `keepQuery`, or the raw request
    /// line of a bad request).
    @inline(__always)
    func urlKey(_ e: LogEntry) -> ByteSlice {
        options.keepQuery ? e.uri : (e.isBadRequest ? e.requestLine : e.path)
    }

    @inline(__always)
    mutating func add(_ e: UnsafePointer<LogEntry>, line: UnsafePointer<UInt8>, count: Int, urlID: Int32 = -1) {
        if let since = options.since, e.pointee.dateMilliseconds < since { filteredOut += 1; return }
        if let until = options.until, e.pointee.dateMilliseconds >= until { filteredOut += 1; return }
        if !options.filters.isEmpty {
            for clause in options.filters {
                if !clause.matches(e.pointee) {
                    filteredOut += 1
                    return
                }
            }
        }
        records += 1
        let isHTTP = e.pointee.kind == .http
        if isHTTP { httpRecords += 1 } else { tcpRecords += 1 }
        let date = e.pointee.dateMilliseconds
        if date >= 0 {
            if date < firstDate { firstDate = date }
            if date > lastDate { lastDate = date }
        }
        let status = Int(e.pointee.status)
        if status >= 0 && status < 600 { statusCounts[status] += 1 } else { statusOther += 1 }
        let wasAborted = e.pointee.isAborted
        let isServerError = status >= 500 && status < 600
        let isError = isServerError || wasAborted
        if isError { errors += 1 }
        if isServerError { serverErrors += 1 }
        if wasAborted { aborted += 1 }
        let pair = Int(e.pointee.terminationPair)
        terminationCounts[pair] += 1
        if isError { terminationErrors[pair] += 1 }
        if pair >> 8 == Int(UInt8(ascii: "P")) { addDenied(e.pointee.clientAddress) }

        let route = Int(internRoute(e))
        let slot = route &* 2 &+ (isHTTP ? 0 : 1)
        routeStats[slot].addCounts(e.pointee, isError: isError, aborted: wasAborted)
        if e.pointee.timerCount > 0 {
            let exact = exactTimers
            if !exact.count(slot: slot, timer: 0, e.pointee.timeActive) { routeStats[slot].timers[0].record(Int(e.pointee.timeActive)) }
            if !exact.count(slot: slot, timer: 1, e.pointee.timeResponse) { routeStats[slot].timers[1].record(Int(e.pointee.timeResponse)) }
            if !exact.count(slot: slot, timer: 2, e.pointee.timeConnect) { routeStats[slot].timers[2].record(Int(e.pointee.timeConnect)) }
            if !exact.count(slot: slot, timer: 3, e.pointee.timeQueue) { routeStats[slot].timers[3].record(Int(e.pointee.timeQueue)) }
            if !exact.count(slot: slot, timer: 4, e.pointee.timeRequest) { routeStats[slot].timers[4].record(Int(e.pointee.timeRequest)) }
        }

        // `&&` would capture the borrowed entry in an autoclosure.
        let complete = e.pointee.timerCount == 5
        if isHTTP, complete, !wasAborted {
            let exact = exactTimers
            if !exact.countHalog(timer: 0, Int(e.pointee.timeRequest)) { halogTimers[0].record(Int(e.pointee.timeRequest)) }
            if !exact.countHalog(timer: 1, Int(e.pointee.timeConnect)) { halogTimers[1].record(Int(e.pointee.timeConnect)) }
            if !exact.countHalog(timer: 2, Int(e.pointee.timeResponse)) { halogTimers[2].record(Int(e.pointee.timeResponse)) }
            let td = Int(e.pointee.timeActive) - Int(e.pointee.timeRequest) - Int(e.pointee.timeQueue) - Int(e.pointee.timeConnect) - Int(e.pointee.timeResponse)
            if td >= 0 {
                if !exact.countHalog(timer: 3, td) { halogTimers[3].record(td) }
            } else {
                halogNegativeDataTimes[td, default: 0] += 1
            }
        }

        let latency = Int(e.pointee.timeActive)
        if isHTTP {
            let cell: Int
            if urlID >= 0 {
                cell = Int(urlID)
            } else {
                cell = urlTable.index(of: urlKey(e.pointee))
            }
            urlTable.add(cell: cell, latency: latency, isError: isError)
        }

        if date >= 0 {
            timeline.addOwned(date: date, latency: isHTTP ? latency : -1, isError: isError, isServerError: isServerError)
        }
        if latency >= slowest.threshold {
            let text = String(decoding: UnsafeBufferPointer(start: line, count: min(count, 600)), as: UTF8.self)
            slowest.insert(.init(milliseconds: latency, date: date, line: text))
        }
        if let slo = options.slo, isHTTP {
            sloTotal += 1
            if !wasAborted && latency >= 0 && latency <= slo.thresholdMilliseconds { sloGood += 1 }
        }
        if !options.groupBy.isEmpty { addToGroup(e.pointee, isError: isError, aborted: wasAborted) }
    }

    @inline(never)
    mutating func addDenied(_ client: ByteSlice) {
        let id = Int(deniedClients.intern(client))
        if id == deniedCounts.count { deniedCounts.append(0) }
        deniedCounts[id] += 1
        denied += 1
    }

    mutating func addToGroup(_ e: LogEntry, isError: Bool, aborted wasAborted: Bool) {
        var key = GroupKey()
        for (position, dimension) in options.groupBy.prefix(3).enumerated() {
            let value: Int64
            switch dimension {
            case .frontend: value = Int64(frontends.intern(e.frontend))
            case .backend: value = Int64(backends.intern(e.backend))
            case .server: value = Int64(internServer(e))
            case .url:
                value = Int64(urls.intern(urlKey(e)))
            case .status: value = Int64(e.status)
            case .method: value = Int64(methods.intern(e.method))
            case .client: value = Int64(clients.intern(e.clientAddress))
            case .header(let index, _): value = Int64(headerValues.intern(Self.capture(e.requestCaptures, index: index)))
            }
            switch position {
            case 0: key.a = value
            case 1: key.b = value
            default: key.c = value
            }
        }
        let index: Int
        if let found = groupIndex[key] { index = found } else {
            index = groupStats.count
            groupIndex[key] = index
            groupKeys.append(key)
            groupStats.append(GroupStats(precisionBits: groupPrecision))
        }
        groupStats[index].add(e, isError: isError, aborted: wasAborted)
    }

    /// The route of a record: `frontend backend/server`, which in a text line is one run of bytes.
    @inline(__always)
    mutating func internRoute(_ e: UnsafePointer<LogEntry>) -> Int32 {
        let id: Int32
        if let f = e.pointee.frontend.base, let b = e.pointee.backend.base, let s = e.pointee.server.base,
           f + e.pointee.frontend.count + 1 == b, f[e.pointee.frontend.count] == UInt8(ascii: " "),
           b + e.pointee.backend.count + 1 == s, b[e.pointee.backend.count] == UInt8(ascii: "/") {
            id = routes.intern(ByteSlice(base: f, count: e.pointee.frontend.count + 1 + e.pointee.backend.count + 1 + e.pointee.server.count))
        } else {
            var joined = Array(e.pointee.frontend.buffer)
            joined.append(UInt8(ascii: " "))
            joined.append(contentsOf: e.pointee.backend.buffer)
            joined.append(UInt8(ascii: "/"))
            joined.append(contentsOf: e.pointee.server.buffer)
            id = joined.withUnsafeBufferPointer { routes.intern(ByteSlice(base: $0.baseAddress, count: $0.count)) }
        }
        if Int(id) == routeParts.count { addRoute(e.pointee) }
        return id
    }

    @inline(never)
    mutating func addRoute(_ e: LogEntry) {
        routeParts.append((frontends.intern(e.frontend), backends.intern(e.backend), internServer(e)))
        routeStats.append(GroupStats())
        routeStats.append(GroupStats())
        exactTimers.ensure(slots: routeStats.count)
    }

    /// Makes the exact timer counters this aggregate's own before the hot loop writes to them.
    @inline(__always)
    mutating func ownExactTimers() {
        if !isKnownUniquelyReferenced(&exactTimers) { exactTimers = exactTimers.copy() }
    }

    /// Makes the exact timer counters, the URL table and the timeline's open slot this aggregate's own
    /// (copies them if another aggregate shares them). The per-line paths (`hashURLs`, `lookUpURLs`,
    /// `add`) write to them through their references without checking: call this before a run of
    /// lines, and do not copy the aggregate during the run. (Checked per batch, it was 2% of a report.)
    @inline(__always)
    mutating func ownSharedState() {
        ownExactTimers()
        timeline.ownOpenSlot()
        if !isKnownUniquelyReferenced(&urlTable) { urlTable = urlTable.copy() }
    }

    /// Moves the counts of `exactTimers` into the route and halog histograms.
    mutating func foldExactTimers() {
        ownExactTimers()
        exactTimers.fold(into: &routeStats, halogTimers: &halogTimers)
    }

    /// Builds the overall, frontend, backend and server views from the routes. Call once, after merging.
    public mutating func finish() {
        foldExactTimers()
        overall = GroupStats()
        tcpOverall = GroupStats()
        frontendStats = Array(repeating: GroupStats(), count: frontends.count)
        backendStats = Array(repeating: GroupStats(), count: backends.count)
        serverStats = Array(repeating: GroupStats(), count: servers.count)
        for (route, parts) in routeParts.enumerated() {
            for kind in 0..<2 {
                let stats = routeStats[route * 2 + kind]
                guard stats.requests > 0 else { continue }
                if kind == 0 { overall.merge(stats) } else { tcpOverall.merge(stats) }
                frontendStats[Int(parts.frontend)].merge(stats)
                backendStats[Int(parts.backend)].merge(stats)
                serverStats[Int(parts.server)].merge(stats)
            }
        }
    }

    /// `backend/server`: in a text line the two are already adjacent around the slash.
    @inline(__always)
    mutating func internServer(_ e: LogEntry) -> Int32 {
        if let b = e.backend.base, let s = e.server.base, b + e.backend.count + 1 == s,
           b[e.backend.count] == UInt8(ascii: "/") {
            return servers.intern(ByteSlice(base: b, count: e.backend.count + 1 + e.server.count))
        }
        var joined = Array(e.backend.buffer)
        joined.append(UInt8(ascii: "/"))
        joined.append(contentsOf: e.server.buffer)
        return joined.withUnsafeBufferPointer { servers.intern(ByteSlice(base: $0.baseAddress, count: $0.count)) }
    }

    /// The `index`-th (1-based) `|`-separated value of a capture block.
    static func capture(_ block: ByteSlice, index: Int) -> ByteSlice {
        guard let base = block.base else { return .empty }
        var field = 1
        var start = 0
        for i in 0...block.count {
            if i == block.count || base[i] == UInt8(ascii: "|") {
                if field == index { return ByteSlice(base: base + start, count: i - start) }
                field += 1
                start = i + 1
            }
        }
        return .empty
    }
}
