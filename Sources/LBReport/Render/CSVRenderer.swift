/// `--format csv`: one row per group and timer — the overall latency, then frontends, backends,
/// servers and `--by` groups — with counts, error figures and the percentiles. Fields are quoted only
/// when needed (RFC 4180), after their control bytes are written as visible escapes (`TerminalSafe`):
/// a CSV is as often looked at in a terminal as loaded in a spreadsheet, and a name from the log then
/// never holds a line break either.
public enum CSVRenderer {
    public static func render(_ r: Report) -> String {
        let labels = r.latency.percentiles.map(Fmt.pctLabel)
        var out = (["section", "name", "requests", "errors", "error_rate", "timer", "count", "min"] + labels + ["max", "mean"]).joined(separator: ",") + "\n"
        func rows(_ section: String, _ name: String, _ requests: Int, _ errors: Int, _ rate: Double, _ timers: [Report.TimerRow]) {
            for t in timers {
                var cells = [section, name, String(requests), String(errors), String(format: "%.6f", rate), t.timer, String(t.count), t.min.map(String.init) ?? ""]
                cells += t.values.map { $0.map(String.init) ?? "" }
                cells += [t.max.map(String.init) ?? "", String(format: "%.3f", t.mean)]
                out += cells.map(quote).joined(separator: ",") + "\n"
            }
        }
        rows("overall", "all", r.lines.http, r.errors.total, r.errors.rate, r.latency.overall)
        for g in r.latency.frontends { rows("frontend", g.name, g.requests, g.errors, g.errorRate, g.timers) }
        for g in r.latency.backends { rows("backend", g.name, g.requests, g.errors, g.errorRate, g.timers) }
        for g in r.latency.servers { rows("server", g.name, g.requests, g.errors, g.errorRate, g.timers) }
        if let groups = r.groups {
            for g in groups.rows { rows("by:" + groups.by.joined(separator: "+"), g.name, g.requests, g.errors, g.errorRate, g.timers) }
        }
        return out
    }

    static func quote(_ field: String) -> String {
        let field = TerminalSafe.escape(field)
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.substituting("\"", with: "\"\"") + "\""
    }
}

extension String {
    func substituting(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
