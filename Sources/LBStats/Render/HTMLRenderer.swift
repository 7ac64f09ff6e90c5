/// Options of one rendering of the stats page.
public struct HTMLPageOptions: Sendable {
    /// The `stats uri` prefix, for links and the admin form's action.
    public var uri: String
    public var hideVersion: Bool
    public var showLegends: Bool
    /// `stats refresh` in seconds, shown in the header (the `Refresh` header itself is set by the server).
    public var refreshSeconds: Int?
    /// The admin form's anti-forgery token; nil when admin actions are not allowed for this client.
    public var adminToken: String?
    /// The `;st=` code of the previous admin action, if any.
    public var actionStatus: String?

    public init(uri: String, hideVersion: Bool = false, showLegends: Bool = false, refreshSeconds: Int? = nil,
                adminToken: String? = nil, actionStatus: String? = nil) {
        self.uri = uri
        self.hideVersion = hideVersion
        self.showLegends = showLegends
        self.refreshSeconds = refreshSeconds
        self.adminToken = adminToken
        self.actionStatus = actionStatus
    }
}

/// The HTML stats page: HAProxy's column groups, status strings and legend colours, plus latency
/// percentiles (p50/p99 of the total time) from lb's histograms. Self-contained: no script, no external
/// resource. Every name from the configuration is escaped.
public enum HTMLRenderer {
    static let groups: [(title: String, columns: [String])] = [
        ("Queue", ["Cur", "Max", "Limit"]),
        ("Session rate", ["Cur", "Max", "Limit"]),
        ("Sessions", ["Cur", "Max", "Limit", "Total", "LbTot", "Last"]),
        ("Bytes", ["In", "Out"]),
        ("Denied", ["Req", "Resp"]),
        ("Errors", ["Req", "Conn", "Resp"]),
        ("Warnings", ["Retr", "Redis"]),
        ("Server", ["Status", "LastChk", "Wght", "Act", "Bck", "Chk", "Dwn", "Dwntme", "Thrtle"]),
        ("Latency", ["p50", "p99"]),
        ("Server conns", ["Idle", "Used", "Reuse"]),
        ("Rate", ["Last 60s"]),
    ]
    static var columnCount: Int { groups.reduce(0) { $0 + $1.columns.count } }
    /// Shown only in the table of a proxy whose frontend has `ssl` binds: its handshakes (completed,
    /// resumed, failed) and the median and 99th percentile of their duration.
    static let tlsGroup: (title: String, columns: [String]) = ("TLS handshakes", ["Total", "Resumed", "Failed", "p50", "p99"])

    public static func render(_ snapshot: StatsSnapshot, options: HTMLPageOptions) -> [UInt8] {
        var page = ""
        page.reserveCapacity(16 * 1024 + snapshot.backends.reduce(0) { $0 + $1.servers.count } * 600)
        page += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        page += "<meta name=\"viewport\" content=\"width=device-width\"><title>Statistics Report for lb</title>"
        page += "<style>\(HTMLStyle.css)</style></head><body>\n"
        page += "<h1>Statistics Report for lb"
        if !options.hideVersion { page += " <span>version \(HTMLEscape.escape(snapshot.process.version))</span>" }
        page += "</h1>\n"
        header(snapshot.process, options: options, into: &page)
        if let status = options.actionStatus { page += "<p class=\"msg\" id=\"action-status\">\(message(status))</p>\n" }
        for group in ProxyGroup.groups(snapshot) { proxy(group, options: options, into: &page) }
        page += "</body></html>\n"
        return Array(page.utf8)
    }

    static func header(_ process: ProcessSnapshot, options: HTMLPageOptions, into page: inout String) {
        page += "<p>pid = \(process.pid) (process #1, nbthread = \(process.threads))<br>"
        page += "uptime = \(uptime(process.uptimeSeconds))<br>"
        page += "current conns = \(process.currentConnections); maxconn = \(process.maxConnections); "
        page += "total conns = \(process.totalConnections); total requests = \(process.totalRequests)"
        if let refresh = options.refreshSeconds { page += "<br>refresh every \(refresh)s" }
        page += "</p>\n"
        let base = HTMLEscape.escape(options.uri)
        page += "<p><a href=\"\(base);csv\">CSV export</a> · <a href=\"\(base);json\">JSON export</a> · "
        page += "<a href=\"\(base);up\">Hide servers not UP</a> · <a href=\"\(base);norefresh\">Disable refresh</a></p>\n"
        page += "<table class=\"legend\"><tr>"
        let legend: [(String, String)] = [
            ("active_up", "active UP"), ("backup_up", "backup UP"), ("going_down", "active UP, going down"),
            ("going_up", "active DOWN, going up"), ("down", "active or backup DOWN"), ("nocheck", "not checked"),
            ("maintain", "active or backup DOWN for maintenance (MAINT)"),
            ("draining", "active or backup SOFT STOPPED for maintenance"),
        ]
        for (css, text) in legend {
            page += "<td class=\"swatch\" style=\"background:var(--\(css))\"></td><td>\(text)</td>"
        }
        page += "</tr></table>\n"
    }

    static func proxy(_ group: ProxyGroup, options: HTMLPageOptions, into page: inout String) {
        let name = HTMLEscape.escape(group.name)
        let admin = options.adminToken != nil && group.backend.map { !$0.servers.isEmpty } == true
        if admin, let token = options.adminToken, let backend = group.backend {
            page += "<form class=\"admin\" method=\"post\" action=\"\(HTMLEscape.escape(options.uri))\">"
            page += "<input type=\"hidden\" name=\"b\" value=\"#\(backend.id)\">"
            page += "<input type=\"hidden\" name=\"token\" value=\"\(HTMLEscape.escape(token))\">"
        }
        page += "<table class=\"tbl\" data-proxy=\"\(name)\"><caption>\(name)"
        if options.showLegends { page += " <span>(id \(group.id))</span>" }
        page += "</caption>\n<tr><th class=\"name\" rowspan=\"2\"></th>"
        if admin { page += "<th rowspan=\"2\"></th>" }
        let tls = group.frontend?.tls
        let shownGroups = tls == nil ? groups : groups + [tlsGroup]
        for (title, columns) in shownGroups { page += "<th colspan=\"\(columns.count)\">\(title)</th>" }
        page += "</tr>\n<tr>"
        for (_, columns) in shownGroups { for column in columns { page += "<th>\(column)</th>" } }
        page += "</tr>\n"
        // Servers and backends have no TLS cells of their own (lb counts no TLS towards servers yet).
        let noTLSCells: [String?] = tls == nil ? [] : Array(repeating: nil, count: tlsGroup.columns.count)
        if let frontend = group.frontend {
            row(kind: "frontend", proxy: name, name: "Frontend", css: "frontend", admin: admin ? "" : nil, cells: [
                nil, nil, nil, frontend.sessionRate.map { "\($0.current)" }, frontend.sessionRate.map { "\($0.maximum)" }, nil,
                "\(frontend.currentSessions)", nil, "\(frontend.limitSessions)", "\(frontend.totalSessions)", nil, nil,
                "\(frontend.bytesIn)", "\(frontend.bytesOut)", deniedCell(frontend),
                frontend.isHTTP ? "\(frontend.deniedResponses)" : nil,
                "\(frontend.requestErrors)", nil, nil, nil, nil,
                frontend.status, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil,
                Sparkline.svg(frontend.requestRate ?? frontend.sessionRate, unit: frontend.isHTTP ? "requests" : "sessions"),
            ] + tlsCells(tls), status: frontend.status, into: &page)
        }
        if let backend = group.backend {
            for server in backend.servers {
                let serverName = HTMLEscape.escape(server.name)
                let check = lastCheck(server)
                row(kind: "server", proxy: name, name: serverName, css: server.status.cssClass,
                    admin: admin ? "<input type=\"checkbox\" name=\"s\" value=\"\(serverName)\">" : nil, cells: [
                    "\(server.queueCurrent)", "\(server.queueMaximum)", server.queueLimit.map(String.init), server.sessionRate.map { "\($0.current)" }, server.sessionRate.map { "\($0.maximum)" }, nil,
                    "\(server.currentSessions)", nil, server.limitSessions.map(String.init), "\(server.totalSessions)",
                    "\(server.totalSessions)", nil,
                    "\(server.bytesIn)", "\(server.bytesOut)", nil, nil,
                    nil, "\(server.connectionErrors)", "\(server.responseErrors)",
                    "\(server.retries)", "\(server.redispatches)",
                    server.lastChangeSeconds.map { "\(HTMLRenderer.duration($0)) " + server.status.text } ?? server.status.text,
                    server.checksEnabled || !server.status.checked ? check : "(disabled) " + check, "\(server.weight)",
                    server.status.backup ? "-" : "Y", server.status.backup ? "Y" : "-", nil, nil, nil, nil,
                    percentile(server.latency.total, 0.5), percentile(server.latency.total, 0.99),
                    "\(server.idleConnections)", "\(server.usedConnections)", "\(server.connectionReuses)",
                    Sparkline.svg(server.sessionRate, unit: "sessions"),
                ] + noTLSCells, status: server.status.text, into: &page)
            }
            let status = backend.isUp ? "UP" : "DOWN"
            row(kind: "backend", proxy: name, name: "Backend", css: "backend", admin: admin ? "" : nil, cells: [
                "\(backend.queueCurrent)", "\(backend.queueMaximum)", nil, backend.sessionRate.map { "\($0.current)" }, backend.sessionRate.map { "\($0.maximum)" }, nil,
                "\(backend.currentSessions)", nil, nil, "\(backend.totalSessions)", "\(backend.totalSessions)", nil,
                "\(backend.bytesIn)", "\(backend.bytesOut)", nil, nil,
                nil, "\(backend.connectionErrors)", "\(backend.responseErrors)", "\(backend.retries)", "\(backend.redispatches)",
                status, nil, "\(backend.weight)", "\(backend.activeServers)", "\(backend.backupServers)", nil, nil, nil, nil,
                percentile(backend.latency.total, 0.5), percentile(backend.latency.total, 0.99),
                "\(backend.servers.reduce(0) { $0 + $1.idleConnections })", "\(backend.servers.reduce(0) { $0 + $1.usedConnections })",
                "\(backend.servers.reduce(0) { $0 + $1.connectionReuses })",
                Sparkline.svg(backend.sessionRate, unit: "sessions"),
            ] + noTLSCells, status: status, into: &page)
        }
        page += "</table>\n"
        if admin {
            page += "Choose the action to perform on the checked servers: <select name=\"action\">"
            for (value, label) in [("ready", "Set state to READY"), ("drain", "Set state to DRAIN"), ("maint", "Set state to MAINT"),
                                   ("dhlth", "Health: disable checks"), ("ehlth", "Health: enable checks"),
                                   ("weight", "Set weight to")] {
                page += "<option value=\"\(value)\">\(label)</option>"
            }
            page += "</select> <input type=\"number\" name=\"weight\" min=\"0\" max=\"256\" placeholder=\"weight\" "
            page += "aria-label=\"weight\"> <input type=\"submit\" value=\"Apply\"></form>\n"
        }
    }

    static func row(kind: String, proxy: String, name: String, css: String, admin: String?, cells: [String?],
                    status: String, into page: inout String) {
        page += "<tr class=\"\(css)\" data-kind=\"\(kind)\" data-name=\"\(name)\" data-status=\"\(HTMLEscape.escape(status))\">"
        assert(cells.count == columnCount || cells.count == columnCount + tlsGroup.columns.count,
               "a \(kind) row has \(cells.count) cells for \(columnCount) columns")
        page += "<td class=\"name\">\(name)</td>"
        if let admin { page += "<td>\(admin)</td>" }
        for cell in cells { page += "<td>\(cell ?? "")</td>" }
        page += "</tr>\n"
    }

    /// A frontend's denied requests, with what its `tcp-request` rules refused before any request (and the
    /// requests lb answered itself) in the cell's tooltip; those refusals are added to the count shown.
    static func deniedCell(_ frontend: FrontendSnapshot) -> String {
        let refused = frontend.deniedConnections + frontend.deniedSessions
        var title = "requests: \(frontend.deniedRequests), connections (tcp-request connection): \(frontend.deniedConnections), "
            + "sessions (tcp-request session): \(frontend.deniedSessions)"
        if frontend.isHTTP { title += ", intercepted requests: \(frontend.interceptedRequests)" }
        return "<span class=\"denied\" title=\"\(title)\">\(frontend.deniedRequests + refused)</span>"
    }

    /// The TLS group's cells of a frontend row (none when the frontend has no `ssl` bind).
    static func tlsCells(_ tls: TLSSnapshot?) -> [String?] {
        guard let tls else { return [] }
        return ["\(tls.handshakes)", "\(tls.resumed)", "\(tls.failed)",
                percentile(tls.handshakeTime, 0.5), percentile(tls.handshakeTime, 0.99)]
    }

    /// A percentile of a latency histogram in milliseconds, empty without observations.
    static func percentile(_ histogram: HistogramSnapshot, _ q: Double) -> String? {
        guard let micros = histogram.quantileMicroseconds(q) else { return nil }
        return micros < 10_000 ? "\(micros / 1000).\((micros % 1000) / 100)ms" : "\(micros / 1000)ms"
    }

    /// A short duration as on HAProxy's page: `12s`, `3m4s`, `2h5m`, `1d3h`.
    static func duration(_ seconds: Int) -> String {
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m\(seconds % 60)s" }
        if seconds < 86400 { return "\(seconds / 3600)h\(seconds / 60 % 60)m" }
        return "\(seconds / 86400)d\(seconds / 3600 % 24)h"
    }

    static func uptime(_ seconds: Int) -> String {
        let days = seconds / 86400, hours = seconds / 3600 % 24, minutes = seconds / 60 % 60, secs = seconds % 60
        return "\(days)d \(hours)h\(minutes < 10 ? "0" : "")\(minutes)m\(secs < 10 ? "0" : "")\(secs)s"
    }

    static func message(_ status: String) -> String {
        switch status {
        case "DONE": "Action processed successfully."
        case "NONE": "Nothing has changed."
        case "PART": "Action not processed for every server."
        case "ERRP": "Some of the servers are not found or not allowed."
        case "DENY": "Action denied."
        case "UNKN": "Unexpected result."
        case "IVAL": "Invalid request."
        default: "Unknown status."
        }
    }
}
