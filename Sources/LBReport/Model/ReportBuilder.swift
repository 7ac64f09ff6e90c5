import LBLog

extension Report {
    /// Builds the report data from a finished scan.
    public init(_ scan: ScanResult, options: ReportOptions) {
        let a = scan.aggregate
        inputs = scan.inputs.map { Input(path: $0.path == "-" ? "<stdin>" : $0.path, gzip: $0.isGzip, bytes: $0.size) }
        lines = Lines(total: a.lines, records: a.records, http: a.httpRecords, tcp: a.tcpRecords, blank: a.blankLines,
                      events: a.eventLines, invalid: a.invalidCount, filteredOut: a.filteredOut)
        var reasons: [String: Int] = [:]
        for (reason, n) in a.invalidByReason { reasons[reason.rawValue] = n }
        invalid = Invalid(count: a.invalidCount, byReason: reasons, samples: scan.invalidSamples.map {
            Invalid.Sample(file: $0.file, line: $0.line, reason: $0.reason.rawValue, text: $0.text)
        })
        var span = 0.0
        if a.firstDate <= a.lastDate {
            span = Double(a.lastDate - a.firstDate) / 1000
            timeRange = TimeRange(first: LogDate.format(milliseconds: a.firstDate), last: LogDate.format(milliseconds: a.lastDate),
                                  firstMs: a.firstDate, lastMs: a.lastDate, seconds: span,
                                  rate: span > 0 ? Double(a.records) / span : Double(a.records))
        }
        var codes: [Status.Code] = []
        for code in 0..<600 where a.statusCounts[code] > 0 { codes.append(.init(code: code, count: a.statusCounts[code])) }
        status = Status(classes: Self.classes(a.overall.statusClasses, tcp: a.tcpOverall.statusClasses), codes: codes)
        var terminations: [Errors.Termination] = []
        for key in 0..<65536 where a.terminationCounts[key] > 0 {
            let pair = key == 0 ? "" : String(decoding: [UInt8(key >> 8), UInt8(key & 0xFF)].filter { $0 != 0 }, as: UTF8.self)
            terminations.append(.init(state: pair, count: a.terminationCounts[key], errors: a.terminationErrors[key],
                                      meaning: TerminationMeaning.describe(pair)))
        }
        terminations.sort { $0.count != $1.count ? $0.count > $1.count : $0.state < $1.state }
        errors = Errors(total: a.errors, rate: a.records == 0 ? 0 : Double(a.errors) / Double(a.records),
                        serverErrors: a.serverErrors, aborted: a.aborted, termination: terminations)
        let pcts = options.percentiles
        let metrics = options.metrics
        func rows(_ names: ByteInterner, _ stats: [GroupStats]) -> [GroupRow] {
            names.names.enumerated().map { Self.groupRow($0.element, stats[$0.offset], pcts, metrics) }
                .sorted { $0.requests != $1.requests ? $0.requests > $1.requests : $0.name < $1.name }
        }
        latency = Latency(
            definition: "nearest rank: the p-th percentile is the smallest logged value with at least p% of values at or below it; milliseconds; exact below 2048 ms, 3 significant digits above",
            percentiles: pcts,
            overall: Self.timerRows(a.overall, pcts, metrics),
            frontends: rows(a.frontends, a.frontendStats), backends: rows(a.backends, a.backendStats),
            servers: rows(a.servers, a.serverStats))
        urls = Self.topURLs(a.urlTables, top: options.top)
        let deniedClients = a.deniedClients.names.enumerated()
            .map { Denied.Client(client: $0.element, count: a.deniedCounts[$0.offset]) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.client < $1.client }
        denied = Denied(total: a.denied, clients: Array(deniedClients.prefix(options.top)))
        serverStates = scan.stateChanges
        slowest = a.slowest.sorted.map { Slow(ta: $0.milliseconds, date: $0.date >= 0 ? LogDate.format(milliseconds: $0.date) : nil, line: $0.line) }
        timeline = Self.timeline(a.timeline, options: options, first: a.firstDate, last: a.lastDate)
        if let slo = options.slo {
            let compliance = a.sloTotal == 0 ? 1 : Double(a.sloGood) / Double(a.sloTotal)
            let budget = 1 - slo.targetPercent / 100
            let burned = budget <= 0 ? 0 : (1 - compliance) / budget
            self.slo = SLOReport(thresholdMs: slo.thresholdMilliseconds, target: slo.targetPercent, good: a.sloGood,
                                 total: a.sloTotal, compliance: compliance, budgetBurned: burned,
                                 met: compliance * 100 >= slo.targetPercent)
        }
        if !options.groupBy.isEmpty {
            let dims = Array(options.groupBy.prefix(3))
            var groupRows: [GroupRow] = []
            for (i, key) in a.groupKeys.enumerated() {
                let parts = [key.a, key.b, key.c].prefix(dims.count).enumerated().map { a.dimensionName(dims[$0.offset], $0.element) }
                groupRows.append(Self.groupRow(parts.joined(separator: " "), a.groupStats[i], pcts, metrics))
            }
            groupRows.sort { $0.requests != $1.requests ? $0.requests > $1.requests : $0.name < $1.name }
            groups = Groups(by: dims.map(\.description), rows: groupRows)
        }
        var warnings = scan.failures
        for path in scan.truncatedGzip { warnings.append("\(path): the last gzip member is incomplete (still being written, or the writer stopped); read up to the cut") }
        self.warnings = warnings
    }

    static func classes(_ http: [Int], tcp: [Int]) -> [String: Int] {
        var out: [String: Int] = [:]
        for c in 1...5 { out["\(c)xx"] = http[c] + tcp[c] }
        out["other"] = http[0] + tcp[0]
        return out
    }

    static func timerRows(_ g: GroupStats, _ pcts: [Double], _ metrics: [TimerKind]) -> [TimerRow] {
        metrics.map { kind in
            let h = g.timers[kind.rawValue]
            return TimerRow(timer: kind.name, count: h.count, mean: h.mean, min: h.isEmpty ? nil : h.minimum,
                            values: pcts.map { h.percentile($0) }, max: h.isEmpty ? nil : h.maximum)
        }
    }

    static func groupRow(_ name: String, _ g: GroupStats, _ pcts: [Double], _ metrics: [TimerKind]) -> GroupRow {
        GroupRow(name: name, requests: g.requests, errors: g.errors, errorRate: g.errorRate, serverErrors: g.serverErrors,
                 classes: classes(g.statusClasses, tcp: [0, 0, 0, 0, 0, 0]), bytes: g.bytes,
                 timers: timerRows(g, pcts, metrics))
    }

    static func timeline(_ t: Timeline, options: ReportOptions, first: Int64, last: Int64) -> TimelineReport {
        var t = t
        let requested = options.interval
        var width = requested ?? t.width
        if requested == nil, first <= last {
            // About 60 slots over the range, on a round width.
            let target = max(1, (last - first) / 60 / 1000)
            let seconds = Timeline.ladder.first { $0 >= target && ($0 * 1000) % t.width == 0 } ?? max(1, target)
            width = max(t.width, seconds * 1000)
        }
        width = max(width, t.width)
        if width % t.width != 0 { width = (width / t.width + 1) * t.width }
        t.rebucket(to: width)
        let slots = t.ordered.map { start, slot in
            TimelineReport.Slot(start: LogDate.format(milliseconds: start, withMilliseconds: false), startMs: start,
                                requests: slot.requests, rate: Double(slot.requests) / (Double(width) / 1000),
                                errors: slot.errors,
                                errorRate: slot.requests == 0 ? 0 : Double(slot.errors) / Double(slot.requests),
                                p50: slot.latency.percentile(50), p99: slot.latency.percentile(99))
        }
        return TimelineReport(intervalMs: width, interval: DurationText.format(milliseconds: width), slots: slots)
    }
}

extension Aggregator {
    func dimensionName(_ dimension: Dimension, _ value: Int64) -> String {
        switch dimension {
        case .frontend: return frontends.name(Int32(value))
        case .backend: return backends.name(Int32(value))
        case .server: return servers.name(Int32(value))
        case .url: return urls.name(Int32(value))
        case .status: return value < 0 ? "-" : String(value)
        case .method: return methods.name(Int32(value))
        case .client: return clients.name(Int32(value))
        case .header: return headerValues.name(Int32(value))
        }
    }
}
