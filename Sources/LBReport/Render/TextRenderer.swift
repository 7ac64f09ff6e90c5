/// The default human report: sections separated by headings, tables aligned, sparklines for the timeline.
/// Colours (ANSI) only when asked (the CLI asks when stdout is a terminal). Every string that comes
/// from a log or a file name goes through `TerminalSafe` (table cells in `Fmt.table`, the rest here),
/// so the only control bytes in the output are the layout's newlines and these colours.
public struct TextRenderer {
    public var color: Bool

    public init(color: Bool = false) { self.color = color }

    func heading(_ s: String) -> String { color ? "\u{1B}[1m\(s)\u{1B}[0m\n" : "\(s)\n" }
    func red(_ s: String) -> String { color ? "\u{1B}[31m\(s)\u{1B}[0m" : s }

    public func render(_ r: Report) -> String {
        var o = ""
        o += heading("== Summary")
        o += "  inputs        \(r.inputs.map { TerminalSafe.escape($0.path) }.joined(separator: ", "))\n"
        o += "  lines         \(Fmt.int(r.lines.total)) (\(Fmt.int(r.lines.records)) records: \(Fmt.int(r.lines.http)) HTTP, \(Fmt.int(r.lines.tcp)) TCP; \(Fmt.int(r.lines.events)) syslog events; \(Fmt.int(r.lines.blank)) blank; \(Fmt.int(r.lines.invalid)) unparsable"
        if r.lines.filteredOut > 0 { o += "; \(Fmt.int(r.lines.filteredOut)) filtered out" }
        o += ")\n"
        if let t = r.timeRange {
            o += "  time range    \(t.first) → \(t.last) (\(Self.span(t.seconds)))\n"
            o += "  rate          \(Fmt.rate(t.rate)) requests/s\n"
        }
        let errLine = "  errors        \(Fmt.int(r.errors.total)) (\(Fmt.percent(r.errors.rate))): \(Fmt.int(r.errors.serverErrors)) with status 5xx, \(Fmt.int(r.errors.aborted)) with a -1 timer\n"
        o += r.errors.total > 0 ? red(errLine) : errLine
        if let slo = r.slo {
            let verdict = slo.met ? "met" : red("MISSED")
            o += "  SLO           \(Fmt.percent(slo.compliance, digits: 3)) of \(Fmt.int(slo.total)) HTTP requests within \(slo.thresholdMs) ms (target \(slo.target)%): \(verdict), error budget \(Fmt.percent(slo.budgetBurned, digits: 1)) burned\n"
        }
        for w in r.warnings { o += "  warning       \(TerminalSafe.escape(w))\n" }
        if r.invalid.count > 0 {
            o += "\n" + heading("== Unparsable lines: \(Fmt.int(r.invalid.count))")
            for s in r.invalid.samples {
                o += "  \(TerminalSafe.escape(s.file)):\(s.line): \(s.reason)\n    \(TerminalSafe.escape(s.text))\n"
            }
            if r.invalid.count > r.invalid.samples.count { o += "  (\(r.invalid.count - r.invalid.samples.count) more not shown)\n" }
        }
        o += "\n" + heading("== Status")
        let classes = ["1xx", "2xx", "3xx", "4xx", "5xx", "other"].map { ($0, r.status.classes[$0] ?? 0) }.filter { $0.1 > 0 }
        let total = max(1, r.lines.records)
        o += Fmt.table(["class", "count", "share"], classes.map { [$0.0, Fmt.int($0.1), Fmt.percent(Double($0.1) / Double(total))] })
        o += Fmt.table(["code", "count", "share"], r.status.codes.map { [String($0.code), Fmt.int($0.count), Fmt.percent(Double($0.count) / Double(total))] })
        if !r.errors.termination.isEmpty {
            o += "\n" + heading("== Termination states")
            o += Fmt.table(["state", "count", "errors", "meaning"], r.errors.termination.map {
                [$0.state.isEmpty ? "(none)" : $0.state, Fmt.int($0.count), Fmt.int($0.errors), $0.meaning]
            }, leftAlignLast: true)
        }
        if let denied = r.denied, denied.total > 0 {
            o += "\n" + heading("== Top denied clients (\(Fmt.int(denied.total)) requests refused by the proxy, state P...)")
            o += Fmt.table(["client", "denied", "share"], denied.clients.map {
                [$0.client, Fmt.int($0.count), Fmt.percent(Double($0.count) / Double(denied.total))]
            })
        }
        let labels = r.latency.percentiles.map(Fmt.pctLabel)
        o += "\n" + heading("== Latency (ms, HTTP requests, nearest-rank percentiles)")
        o += Fmt.table(["timer", "count"] + labels + ["max", "mean"], r.latency.overall.map(Self.timerCells))
        for (title, rows) in [("frontend", r.latency.frontends), ("backend", r.latency.backends), ("server", r.latency.servers)] where !rows.isEmpty {
            o += "\n" + heading("== Per \(title)")
            o += groupTable(rows, labels: labels, timers: r.latency.overall.map(\.timer))
        }
        if let g = r.groups {
            o += "\n" + heading("== By \(g.by.map(TerminalSafe.escape).joined(separator: ", "))")
            o += groupTable(g.rows, labels: labels, timers: r.latency.overall.map(\.timer))
        }
        o += "\n" + heading("== Top URLs (\(Fmt.int(r.urls.distinct)) distinct)")
        for (title, rows) in [("by requests", r.urls.byCount), ("by total time", r.urls.byTotalTime), ("by p99", r.urls.byP99), ("by errors", r.urls.byErrors)] where !rows.isEmpty {
            o += "  \(title)\n"
            o += Fmt.table(["url", "requests", "errors", "total ms", "mean", "p99"], rows.map {
                [Self.clip(TerminalSafe.escape($0.url), 60), Fmt.int($0.requests), Fmt.int($0.errors), Fmt.int($0.totalTime), String(format: "%.1f", $0.mean), Fmt.ms($0.p99)]
            }, indent: "    ")
        }
        if !r.slowest.isEmpty {
            o += "\n" + heading("== Slowest requests")
            for s in r.slowest { o += "  \(Fmt.int(s.ta)) ms  \(Self.clip(TerminalSafe.escape(s.line), 220))\n" }
        }
        if let states = r.serverStates, states.count > 0 {
            o += "\n" + heading("== Server state changes: \(Fmt.int(states.count))")
            o += Fmt.table(["server", "down", "up", "maint", "drain"], states.servers.map {
                [TerminalSafe.escape($0.server), Fmt.int($0.down), Fmt.int($0.up), Fmt.int($0.maintenance), Fmt.int($0.drain)]
            }, indent: "  ")
            o += "\n"
            for c in states.changes {
                o += "  \(TerminalSafe.escape(c.time))  \(TerminalSafe.escape(c.server)) \(c.state)  \(Self.clip(TerminalSafe.escape(c.reason), 160))\n"
            }
            if states.count > states.changes.count { o += "  (\(states.count - states.changes.count) more not listed)\n" }
        }
        if !r.timeline.slots.isEmpty {
            o += "\n" + heading("== Timeline (every \(r.timeline.interval))")
            let slots = r.timeline.slots
            o += "  req/s  \(Fmt.sparkline(slots.map(\.rate)))\n"
            o += "  err %  \(Fmt.sparkline(slots.map(\.errorRate)))\n"
            o += "  p99    \(Fmt.sparkline(slots.map { Double($0.p99 ?? 0) }))\n"
            o += Fmt.table(["start", "requests", "req/s", "errors", "err %", "p50", "p99"], slots.map {
                [$0.start, Fmt.int($0.requests), Fmt.rate($0.rate), Fmt.int($0.errors), Fmt.percent($0.errorRate), Fmt.ms($0.p50), Fmt.ms($0.p99)]
            })
        }
        return o
    }

    func groupTable(_ rows: [Report.GroupRow], labels: [String], timers: [String]) -> String {
        var out = ""
        out += Fmt.table(["name", "requests", "errors", "err %", "5xx"], rows.map {
            [$0.name, Fmt.int($0.requests), Fmt.int($0.errors), Fmt.percent($0.errorRate), Fmt.int($0.serverErrors)]
        })
        for timer in timers {
            let cells: [[String]] = rows.compactMap { row in
                guard let t = row.timers.first(where: { $0.timer == timer }), t.count > 0 else { return nil }
                return [row.name] + Self.timerCells(t).dropFirst()
            }
            if cells.isEmpty { continue }
            out += "  \(timer):\n"
            out += Fmt.table(["name", "count"] + labels + ["max", "mean"], cells, indent: "    ")
        }
        return out
    }

    static func timerCells(_ t: Report.TimerRow) -> [String] {
        [t.timer, Fmt.int(t.count)] + t.values.map(Fmt.ms) + [Fmt.ms(t.max), String(format: "%.1f", t.mean)]
    }

    static func clip(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }

    static func span(_ seconds: Double) -> String {
        let s = Int(seconds)
        if s >= 86400 { return "\(s / 86400)d \(s % 86400 / 3600)h" }
        if s >= 3600 { return "\(s / 3600)h \(s % 3600 / 60)m" }
        if s >= 60 { return "\(s / 60)m \(s % 60)s" }
        return String(format: "%.3fs", seconds)
    }
}
