import LBConfig
import LBCore

/// A first, plain stats page for `stats enable` listeners: every frontend, backend and server with its
/// state and live counters, behind `stats auth` when configured, as HTML or (`;csv`) text. The full page
/// with HAProxy's columns, admin actions and latency percentiles replaces it with the metrics work.
enum StatsPage {
    static func respond(to head: HTTPRequestHead, settings: StatsSettings, runtime: ProxyRuntime) -> LocalResponse {
        if !settings.credentials.isEmpty,
           !BasicAuth.accepts(head.headers.first("authorization"), credentials: settings.credentials) {
            var response = LocalResponse(status: 401)
            response.headers.add("content-type", "text/html")
            response.headers.add("www-authenticate", "Basic realm=\"\(settings.realm)\"")
            response.body = Array("<html><body><h1>401 Unauthorized</h1>\nThis page needs valid credentials.\n</body></html>\n".utf8)
            return response
        }
        var response = LocalResponse(status: 200)
        response.headers.add("cache-control", "no-cache")
        if head.uri.hasSuffix(";csv") {
            response.headers.add("content-type", "text/plain")
            response.body = Array(csv(runtime).utf8)
        } else {
            response.headers.add("content-type", "text/html; charset=utf-8")
            if let refresh = settings.refresh, !head.uri.contains(";norefresh") {
                response.headers.add("refresh", String(max(1, refresh / 1000)))
            }
            response.body = Array(html(runtime, settings: settings).utf8)
        }
        return response
    }

    static func csv(_ runtime: ProxyRuntime) -> String {
        var text = "# pxname,svname,scur,stot,bin,bout,ereq,econ,eresp,wretr,wredis,status,weight\n"
        for frontend in runtime.frontends {
            text += "\(frontend.plan.name),FRONTEND,\(frontend.currentConnections.load(ordering: .relaxed)),"
            text += "\(frontend.totalConnections.load(ordering: .relaxed)),\(frontend.bytesIn.load(ordering: .relaxed)),"
            text += "\(frontend.bytesOut.load(ordering: .relaxed)),\(frontend.requestErrors.load(ordering: .relaxed)),,,,,OPEN,\n"
        }
        for backend in runtime.backends {
            for server in backend.servers {
                text += "\(backend.plan.name),\(server.plan.name),\(server.activeConnections.load(ordering: .relaxed)),"
                text += "\(server.totalSessions.load(ordering: .relaxed)),,\(server.bytesOut.load(ordering: .relaxed)),,"
                text += "\(server.connectionErrors.load(ordering: .relaxed)),\(server.responseErrors.load(ordering: .relaxed)),"
                text += "\(server.retries.load(ordering: .relaxed)),\(server.redispatches.load(ordering: .relaxed)),"
                text += "\(serverStatus(server)),\(server.weight.load(ordering: .relaxed))\n"
            }
            text += "\(backend.plan.name),BACKEND,,,,,,,,,,\(backend.usableServerCount > 0 ? "UP" : "DOWN"),\n"
        }
        return text
    }

    static func serverStatus(_ server: ServerRuntime) -> String {
        if server.plan.disabled { return "MAINT" }
        if !server.plan.check { return "no check" }
        return server.healthy.load(ordering: .relaxed) ? "UP" : "DOWN"
    }

    static func html(_ runtime: ProxyRuntime, settings: StatsSettings) -> String {
        var page = """
        <!DOCTYPE html><html><head><meta charset="utf-8"><title>lb statistics</title>
        <style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse;margin-bottom:1em}
        td,th{border:1px solid #888;padding:2px 6px;text-align:right}th{background:#ddd}
        .UP{background:#c0ffc0}.DOWN{background:#ff9090}.MAINT{background:#c07820}.nocheck{background:#e0e0e0}
        @media (prefers-color-scheme: dark){body{background:#111;color:#ddd}th{background:#333}
        .UP{background:#1d5a1d}.DOWN{background:#7a2020}.nocheck{background:#444}}</style></head><body>
        <h1>lb statistics</h1>
        """
        if !settings.hideVersion { page += "<p>lb \(LBVersion.current)</p>" }
        for frontend in runtime.frontends {
            page += "<table><tr><th>\(escape(frontend.plan.name))</th><th>Cur sessions</th><th>Total</th><th>Requests</th><th>Bytes in</th><th>Bytes out</th><th>Req errors</th><th>Denied</th></tr>"
            page += "<tr><td>FRONTEND</td><td>\(frontend.currentConnections.load(ordering: .relaxed))</td>"
            page += "<td>\(frontend.totalConnections.load(ordering: .relaxed))</td><td>\(frontend.totalRequests.load(ordering: .relaxed))</td>"
            page += "<td>\(frontend.bytesIn.load(ordering: .relaxed))</td><td>\(frontend.bytesOut.load(ordering: .relaxed))</td>"
            page += "<td>\(frontend.requestErrors.load(ordering: .relaxed))</td><td>\(frontend.deniedRequests.load(ordering: .relaxed))</td></tr></table>"
        }
        for backend in runtime.backends {
            page += "<table><tr><th>\(escape(backend.plan.name))</th><th>Status</th><th>Weight</th><th>Cur</th><th>Total</th><th>Conn errors</th><th>Resp errors</th><th>Retries</th><th>Redispatches</th></tr>"
            for server in backend.servers {
                let status = serverStatus(server)
                page += "<tr class=\"\(status.replacingOccurrences(" ", ""))\"><td>\(escape(server.plan.name))</td><td>\(status)</td>"
                page += "<td>\(server.weight.load(ordering: .relaxed))</td><td>\(server.activeConnections.load(ordering: .relaxed))</td>"
                page += "<td>\(server.totalSessions.load(ordering: .relaxed))</td><td>\(server.connectionErrors.load(ordering: .relaxed))</td>"
                page += "<td>\(server.responseErrors.load(ordering: .relaxed))</td><td>\(server.retries.load(ordering: .relaxed))</td>"
                page += "<td>\(server.redispatches.load(ordering: .relaxed))</td></tr>"
            }
            page += "</table>"
        }
        return page + "</body></html>\n"
    }

    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}

extension String {
    func replacingOccurrences(_ target: Character, _ replacement: String) -> String {
        var result = ""
        for character in self { if character == target { result += replacement } else { result.append(character) } }
        return result
    }
}

/// lb's version string.
public enum LBVersion {
    public static let current = "0.1.0"
}
