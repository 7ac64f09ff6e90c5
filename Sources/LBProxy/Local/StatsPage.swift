import LBConfig
import LBCore
import LBStats
import NIOCore

/// The stats page of a `stats enable` listener: HTML with HAProxy's columns (plus latency percentiles),
/// `;csv`, `;json`, `;up`, `;norefresh`, behind `stats auth` when configured, and admin actions by POST
/// when `stats admin` allows them (see `StatsAdmin`).
enum StatsPage {
    static func respond(to head: HTTPRequestHead, settings: StatsSettings, runtime: ProxyRuntime,
                        frontend: FrontendRuntime, connection: ConnectionInfo, body: ByteBuffer?) -> LocalResponse {
        if !settings.credentials.isEmpty,
           !BasicAuth.accepts(head.headers.first("authorization"), credentials: settings.credentials) {
            var response = LocalResponse(status: 401)
            response.headers.add("content-type", "text/html")
            response.headers.add("cache-control", "no-cache")
            response.headers.add("www-authenticate", "Basic realm=\"\(settings.realm)\"")
            response.body = Array("<html><body><h1>401 Unauthorized</h1>\nYou need a valid user and password to access this content.\n</body></html>\n".utf8)
            return response
        }
        let modifiers = StatsURIModifiers(uri: head.uri, prefix: settings.uri)
        let adminAllowed = frontend.plan.statsAdminCondition?.matches(head, connection: connection) ?? false
        if head.method == "POST" {
            let code = StatsAdmin.apply(head: head, body: body, allowed: adminAllowed, runtime: runtime)
            var response = LocalResponse(status: 303)
            response.headers.add("location", settings.uri + ";st=" + code.rawValue)
            response.headers.add("cache-control", "no-cache")
            response.headers.add("content-type", "text/plain")
            return response
        }
        var snapshot = runtime.statsSnapshot()
        if !settings.scopes.isEmpty {
            // `stats scope NAME` (repeatable; `.` is this proxy): only those proxies are shown.
            let shown = Set(settings.scopes.map { $0 == "." ? frontend.plan.name : $0 })
            snapshot.frontends.removeAll { !shown.contains($0.name) }
            snapshot.backends.removeAll { !shown.contains($0.name) }
        }
        if let scope = modifiers.scope?.lowercased() {
            snapshot.frontends.removeAll { !$0.name.lowercased().contains(scope) }
            snapshot.backends.removeAll { !$0.name.lowercased().contains(scope) }
        }
        if modifiers.upOnly {
            for index in snapshot.backends.indices { snapshot.backends[index].servers.removeAll { !$0.isServing } }
        }
        var response = LocalResponse(status: 200)
        response.headers.add("cache-control", "no-cache")
        switch modifiers.format {
        case .csv:
            response.headers.add("content-type", "text/plain")
            response.body = Array(Self.csv(snapshot).utf8)
        case .json:
            response.headers.add("content-type", "application/json")
            response.body = JSONRenderer.render(snapshot)
        case .html:
            response.headers.add("content-type", "text/html; charset=utf-8")
            let refresh = settings.refresh.map { max(1, $0 / 1000) }
            if let refresh, !modifiers.noRefresh { response.headers.add("refresh", String(refresh)) }
            let options = HTMLPageOptions(
                uri: settings.uri, hideVersion: settings.hideVersion, showLegends: settings.showLegends,
                refreshSeconds: modifiers.noRefresh ? nil : refresh,
                adminToken: adminAllowed ? StatsAdmin.token : nil, actionStatus: modifiers.actionStatus)
            response.body = HTMLRenderer.render(snapshot, options: options)
        }
        return response
    }
}

/// The `;csv`, `;json`, `;up`, `;norefresh` and `;st=CODE` modifiers that follow the stats URI, before
/// or after its `?` (HAProxy's own page links to `URI?;csv;scope=NAME`), and the `scope=NAME` query
/// parameter of the page's filter box.
struct StatsURIModifiers {
    enum Format { case html, csv, json }
    var format = Format.html
    var upOnly = false
    var noRefresh = false
    var actionStatus: String?
    /// Only the proxies whose name contains this, ignoring case; nil shows all.
    var scope: String?

    init(uri: String, prefix: String) {
        let rest = uri.hasPrefix(prefix) ? uri.dropFirst(prefix.count) : Substring(uri)
        if let query = rest.firstIndex(of: "?") {
            for parameter in rest[rest.index(after: query)...].split(whereSeparator: { $0 == "&" || $0 == ";" })
            where parameter.hasPrefix("scope=") && parameter.count > 6 {
                scope = String(parameter.dropFirst(6))
            }
        }
        for part in rest.split(whereSeparator: { $0 == ";" || $0 == "?" || $0 == "&" }) {
            switch part {
            case "csv": format = .csv
            case "json": format = .json
            case "up": upOnly = true
            case "norefresh": noRefresh = true
            default:
                if part.hasPrefix("st=") { actionStatus = String(part.dropFirst(3).prefix(8)) }
            }
        }
    }
}

/// lb's version string.
public enum LBVersion {
    public static let current = "0.1.0"
}

extension StatsPage {
    /// The CSV of `show stat` and `;csv`, as text.
    static func csv(_ snapshot: StatsSnapshot) -> String {
        String(decoding: CSVRenderer.render(snapshot), as: UTF8.self)
    }
}

