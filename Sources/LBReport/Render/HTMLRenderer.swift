/// `--format html`: one self-contained page (inline CSS and SVG, no scripts, no network): summary,
/// charts of latency percentiles, request rate and errors over time, status classes and a per-server
/// comparison, then the tables of the text report.
public enum HTMLRenderer {
    public static func render(_ r: Report) -> String {
        let e = SVGChart.esc
        var o = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>lblog report</title>
        <style>
        body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}
        h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ccc}
        table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:right}
        td:first-child,th:first-child{text-align:left}th{background:#f4f4f4}
        .chart{width:100%;height:auto;background:#fff;border:1px solid #eee;margin:6px 0}
        .bad{color:#b00020;font-weight:600}.ok{color:#1a7f37;font-weight:600}code{font-size:12px}
        </style></head><body>
        <h1>lblog report</h1>

        """
        o += "<p>Inputs: \(r.inputs.map { "<code>\(e($0.path))</code>" }.joined(separator: ", "))<br>"
        o += "Lines: \(Fmt.int(r.lines.total)) (\(Fmt.int(r.lines.records)) records, \(Fmt.int(r.lines.events)) syslog events, \(Fmt.int(r.lines.invalid)) unparsable)<br>"
        if let t = r.timeRange { o += "Time range: \(e(t.first)) → \(e(t.last)), \(Fmt.rate(t.rate)) requests/s<br>" }
        o += "Errors: <span class=\"\(r.errors.total > 0 ? "bad" : "ok")\">\(Fmt.int(r.errors.total)) (\(Fmt.percent(r.errors.rate)))</span>: \(Fmt.int(r.errors.serverErrors)) 5xx, \(Fmt.int(r.errors.aborted)) with a -1 timer"
        if let slo = r.slo {
            o += "<br>SLO: \(Fmt.percent(slo.compliance, digits: 3)) within \(slo.thresholdMs) ms, target \(slo.target)%: <span class=\"\(slo.met ? "ok" : "bad")\">\(slo.met ? "met" : "missed")</span>, \(Fmt.percent(slo.budgetBurned, digits: 1)) of the error budget burned"
        }
        for w in r.warnings { o += "<br><span class=\"bad\">warning:</span> \(e(w))" }
        o += "</p>\n"
        let slots = r.timeline.slots
        if !slots.isEmpty {
            let labels = slots.map(\.start)
            o += "<h2>Latency over time (Ta, every \(e(r.timeline.interval)))</h2>\n"
            o += SVGChart.lines([
                .init(name: "p50", color: "#4a90d9", values: slots.map { Double($0.p50 ?? 0) }),
                .init(name: "p99", color: "#d0021b", values: slots.map { Double($0.p99 ?? 0) }),
            ], xLabels: labels, unit: "ms") + "\n"
            o += "<h2>Requests and errors over time</h2>\n"
            o += SVGChart.bars(slots.map(\.rate), overlay: slots.map(\.errorRate), xLabels: labels, name: "requests/s", overlayName: "error %") + "\n"
        }
        o += "<h2>Status classes</h2>\n"
        let colors = ["1xx": "#9b9b9b", "2xx": "#1a7f37", "3xx": "#4a90d9", "4xx": "#f5a623", "5xx": "#d0021b", "other": "#7b7b7b"]
        let classes = ["1xx", "2xx", "3xx", "4xx", "5xx", "other"].compactMap { c in (r.status.classes[c] ?? 0) > 0 ? (c, r.status.classes[c]!) : nil }
        o += SVGChart.horizontal(classes.map { (label: $0.0, value: Double($0.1), second: nil, color: colors[$0.0]!) }, unit: "") + "\n"
        let labels = r.latency.percentiles.map(Fmt.pctLabel)
        let p50Index = r.latency.percentiles.firstIndex(of: 50)
        let p99Index = r.latency.percentiles.firstIndex(of: 99) ?? (r.latency.percentiles.count - 1)
        if !r.latency.servers.isEmpty {
            o += "<h2>Servers: Ta p50 (blue) and p99 (orange), ms</h2>\n"
            let items: [(label: String, value: Double, second: Double?, color: String)] = r.latency.servers.prefix(40).compactMap { g in
                guard let ta = g.timers.first(where: { $0.timer == "Ta" }), ta.count > 0 else { return nil }
                let p50 = p50Index.flatMap { ta.values[$0] } ?? 0
                let p99 = ta.values[safe: p99Index].flatMap { $0 } ?? 0
                return (label: g.name, value: Double(p50), second: Double(p99), color: "#4a90d9")
            }
            o += SVGChart.horizontal(items, unit: " ms") + "\n"
        }
        o += "<h2>Latency (ms, nearest-rank percentiles, HTTP)</h2>\n"
        o += table(["timer", "count"] + labels + ["max", "mean"], r.latency.overall.map { [$0.timer, Fmt.int($0.count)] + $0.values.map(Fmt.ms) + [Fmt.ms($0.max), String(format: "%.1f", $0.mean)] })
        for (title, rows) in [("Frontends", r.latency.frontends), ("Backends", r.latency.backends), ("Servers", r.latency.servers), ("Groups", r.groups?.rows ?? [])] where !rows.isEmpty {
            o += "<h2>\(title)</h2>\n"
            o += table(["name", "requests", "errors", "err %"] + labels.map { "Ta \($0)" } + ["Ta max"], rows.map { g in
                let ta = g.timers.first { $0.timer == "Ta" }
                return [g.name, Fmt.int(g.requests), Fmt.int(g.errors), Fmt.percent(g.errorRate)] + (ta?.values.map(Fmt.ms) ?? labels.map { _ in "-" }) + [Fmt.ms(ta?.max)]
            })
        }
        o += "<h2>Termination states</h2>\n"
        o += table(["state", "count", "errors", "meaning"], r.errors.termination.map { [$0.state, Fmt.int($0.count), Fmt.int($0.errors), $0.meaning] })
        if let denied = r.denied, denied.total > 0 {
            o += "<h2>Top denied clients (\(Fmt.int(denied.total)) refused by the proxy)</h2>\n"
            o += table(["client", "denied"], denied.clients.map { [$0.client, Fmt.int($0.count)] })
        }
        o += "<h2>Top URLs (\(Fmt.int(r.urls.distinct)) distinct)</h2>\n"
        o += table(["url", "requests", "errors", "total ms", "mean", "p99"], r.urls.byCount.map { [$0.url, Fmt.int($0.requests), Fmt.int($0.errors), Fmt.int($0.totalTime), String(format: "%.1f", $0.mean), Fmt.ms($0.p99)] })
        if !r.slowest.isEmpty {
            o += "<h2>Slowest requests</h2>\n"
            o += table(["Ta ms", "line"], r.slowest.map { [Fmt.int($0.ta), $0.line] })
        }
        if let states = r.serverStates, states.count > 0 {
            o += "<h2>Server state changes (\(Fmt.int(states.count)))</h2>\n"
            o += table(["server", "down", "up", "maint", "drain"], states.servers.map {
                [$0.server, Fmt.int($0.down), Fmt.int($0.up), Fmt.int($0.maintenance), Fmt.int($0.drain)]
            })
            o += table(["time", "server", "state", "reason", "where"], states.changes.map {
                [$0.time, $0.server, $0.state, $0.reason, "\($0.file):\($0.line)"]
            })
        }
        if !r.invalid.samples.isEmpty {
            o += "<h2>Unparsable lines (\(Fmt.int(r.invalid.count)))</h2>\n"
            o += table(["where", "reason", "line"], r.invalid.samples.map { ["\($0.file):\($0.line)", $0.reason, $0.text] })
        }
        o += "</body></html>\n"
        return o
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let e = SVGChart.esc
        var o = "<table><tr>" + header.map { "<th>\(e($0))</th>" }.joined() + "</tr>\n"
        for row in rows { o += "<tr>" + row.map { "<td>\(e($0))</td>" }.joined() + "</tr>\n" }
        return o + "</table>\n"
    }
}
