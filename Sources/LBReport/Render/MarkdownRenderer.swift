/// `--format markdown`: the text report's sections as GitHub-flavoured Markdown tables. Every string
/// from a log or a file name goes through `escape`: a `|` cannot end its table cell, a backtick its code
/// span, and control bytes are written as visible escapes (`TerminalSafe`), since Markdown is read as
/// plain text on a terminal as often as it is rendered.
public enum MarkdownRenderer {
    public static func render(_ r: Report) -> String {
        var o = "# lblog report\n\n"
        o += "- **Inputs:** \(r.inputs.map { "`\(escape($0.path))`" }.joined(separator: ", "))\n"
        o += "- **Lines:** \(Fmt.int(r.lines.total)) (\(Fmt.int(r.lines.records)) records, \(Fmt.int(r.lines.events)) syslog events, \(Fmt.int(r.lines.invalid)) unparsable)\n"
        if let t = r.timeRange {
            o += "- **Time range:** \(t.first) → \(t.last); \(Fmt.rate(t.rate)) requests/s\n"
        }
        o += "- **Errors:** \(Fmt.int(r.errors.total)) (\(Fmt.percent(r.errors.rate))): \(Fmt.int(r.errors.serverErrors)) 5xx, \(Fmt.int(r.errors.aborted)) with a -1 timer\n"
        if let slo = r.slo {
            o += "- **SLO:** \(Fmt.percent(slo.compliance, digits: 3)) within \(slo.thresholdMs) ms (target \(slo.target)%): \(slo.met ? "met" : "**missed**"), \(Fmt.percent(slo.budgetBurned, digits: 1)) of the error budget burned\n"
        }
        for w in r.warnings { o += "- **Warning:** \(escape(w))\n" }
        if !r.invalid.samples.isEmpty {
            o += "\n## Unparsable lines (\(Fmt.int(r.invalid.count)))\n\n"
            for s in r.invalid.samples { o += "- `\(escape(s.file)):\(s.line)`: \(escape(s.reason))\n" }
        }
        o += "\n## Status\n\n" + table(["code", "count"], r.status.codes.map { [String($0.code), Fmt.int($0.count)] })
        o += "\n## Termination states\n\n" + table(["state", "count", "errors", "meaning"], r.errors.termination.map {
            ["`\(escape($0.state))`", Fmt.int($0.count), Fmt.int($0.errors), escape($0.meaning)]
        })
        let labels = r.latency.percentiles.map(Fmt.pctLabel)
        o += "\n## Latency (ms, nearest rank)\n\n"
        o += table(["timer", "count"] + labels + ["max"], r.latency.overall.map { [$0.timer, Fmt.int($0.count)] + $0.values.map(Fmt.ms) + [Fmt.ms($0.max)] })
        for (title, rows) in [("Frontends", r.latency.frontends), ("Backends", r.latency.backends), ("Servers", r.latency.servers), ("Groups", r.groups?.rows ?? [])] where !rows.isEmpty {
            o += "\n## \(title)\n\n"
            o += table(["name", "requests", "errors", "err %", "Ta " + (labels.last ?? "")] + ["Ta max"], rows.map {
                let ta = $0.timers.first { $0.timer == "Ta" }
                return [escape($0.name), Fmt.int($0.requests), Fmt.int($0.errors), Fmt.percent($0.errorRate), Fmt.ms(ta?.values.last ?? nil), Fmt.ms(ta?.max)]
            })
        }
        if let denied = r.denied, denied.total > 0 {
            o += "\n## Top denied clients (\(Fmt.int(denied.total)) refused by the proxy)\n\n"
            o += table(["client", "denied"], denied.clients.map { [escape($0.client), Fmt.int($0.count)] })
        }
        o += "\n## Top URLs by requests\n\n" + table(["url", "requests", "errors", "mean ms", "p99"], r.urls.byCount.map {
            ["`\(escape($0.url))`", Fmt.int($0.requests), Fmt.int($0.errors), String(format: "%.1f", $0.mean), Fmt.ms($0.p99)]
        })
        if !r.slowest.isEmpty {
            o += "\n## Slowest requests\n\n" + table(["Ta", "line"], r.slowest.map { [Fmt.int($0.ta), "`\(escape($0.line))`"] })
        }
        if let states = r.serverStates, states.count > 0 {
            o += "\n## Server state changes (\(Fmt.int(states.count)))\n\n"
            o += table(["server", "down", "up", "maint", "drain"], states.servers.map {
                [escape($0.server), Fmt.int($0.down), Fmt.int($0.up), Fmt.int($0.maintenance), Fmt.int($0.drain)]
            })
            o += "\n" + table(["time", "server", "state", "reason"], states.changes.map {
                [escape($0.time), escape($0.server), $0.state, escape($0.reason)]
            })
        }
        if !r.timeline.slots.isEmpty {
            o += "\n## Timeline (every \(r.timeline.interval))\n\n"
            o += "`req/s \(Fmt.sparkline(r.timeline.slots.map(\.rate)))`\n\n"
            o += table(["start", "requests", "req/s", "err %", "p50", "p99"], r.timeline.slots.map {
                [$0.start, Fmt.int($0.requests), Fmt.rate($0.rate), Fmt.percent($0.errorRate), Fmt.ms($0.p50), Fmt.ms($0.p99)]
            })
        }
        return o
    }

    static func escape(_ s: String) -> String {
        TerminalSafe.escape(s).substituting("|", with: "\\|").substituting("`", with: "'")
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var o = "| " + header.joined(separator: " | ") + " |\n"
        o += "|" + header.enumerated().map { $0.offset == 0 ? " --- |" : " ---: |" }.joined() + "\n"
        for row in rows { o += "| " + row.joined(separator: " | ") + " |\n" }
        return o
    }
}
