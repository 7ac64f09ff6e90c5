import LBShared

/// The rows of HAProxy's `show stat` table (one per frontend, server and backend) with the fixed column
/// order of the CSV export. A field lb does not measure is nil and printed empty, never as a zero.
///
/// After `agg_check_status` come the columns HAProxy 2.6 adds: a `-` separator, then the fields of its
/// statistics modules (SSL, HTTP/2 and HTTP/1 muxes), so that the header is haproxy's. Of those lb fills
/// the SSL ones of frontends (a frontend without `ssl` binds has 0 handshakes, as in HAProxy); lb counts
/// nothing per mux, and nothing of TLS towards servers yet, so those stay empty.
public enum StatRows {
    public static let columns: [String] = [
        "pxname", "svname", "qcur", "qmax", "scur", "smax", "slim", "stot", "bin", "bout",
        "dreq", "dresp", "ereq", "econ", "eresp", "wretr", "wredis", "status", "weight", "act",
        "bck", "chkfail", "chkdown", "lastchg", "downtime", "qlimit", "pid", "iid", "sid", "throttle",
        "lbtot", "tracked", "type", "rate", "rate_lim", "rate_max", "check_status", "check_code", "check_duration", "hrsp_1xx",
        "hrsp_2xx", "hrsp_3xx", "hrsp_4xx", "hrsp_5xx", "hrsp_other", "hanafail", "req_rate", "req_rate_max", "req_tot", "cli_abrt",
        "srv_abrt", "comp_in", "comp_out", "comp_byp", "comp_rsp", "lastsess", "last_chk", "last_agt", "qtime", "ctime",
        "rtime", "ttime", "agent_status", "agent_code", "agent_duration", "check_desc", "agent_desc", "check_rise", "check_fall", "check_health",
        "agent_rise", "agent_fall", "agent_health", "addr", "cookie", "mode", "algo", "conn_rate", "conn_rate_max", "conn_tot",
        "intercepted", "dcon", "dses", "wrew", "connect", "reuse", "cache_lookups", "cache_hits", "srv_icur", "src_ilim",
        "qtime_max", "ctime_max", "rtime_max", "ttime_max", "eint", "idle_conn_cur", "safe_conn_cur", "used_conn_cur", "need_conn_est", "uweight",
        "agg_server_status", "agg_server_check_status", "agg_check_status",
    ] + moduleColumns

    /// The 2.6 module columns, after the fixed ones.
    static let moduleColumns = [
        "-", "ssl_sess", "ssl_reused_sess", "ssl_failed_handshake", "h2_headers_rcvd", "h2_data_rcvd",
        "h2_settings_rcvd", "h2_rst_stream_rcvd", "h2_goaway_rcvd", "h2_detected_conn_protocol_errors",
        "h2_detected_strm_protocol_errors", "h2_rst_stream_resp", "h2_goaway_resp", "h2_open_connections",
        "h2_backend_open_streams", "h2_total_connections", "h2_backend_total_streams", "h1_open_connections",
        "h1_open_streams", "h1_total_connections", "h1_total_streams", "h1_bytes_in", "h1_bytes_out",
        "h1_spliced_bytes_in", "h1_spliced_bytes_out",
    ]

    enum Column: Int {
        case pxname = 0, svname, qcur, qmax, scur, smax, slim, stot, bin, bout
        case dreq, dresp, ereq, econ, eresp, wretr, wredis, status, weight, act
        case bck, chkfail, chkdown, lastchg, downtime, qlimit, pid, iid, sid, throttle
        case lbtot, tracked, type, rate, rateLim, rateMax, checkStatus, checkCode, checkDuration, hrsp1xx
        case hanafail = 45, reqRate, reqRateMax, reqTot
        case lastChk = 56, lastAgt
        case agentStatus = 62, agentCode, agentDuration, checkDesc, agentDesc
        case checkRise = 67, checkFall, checkHealth, agentRise, agentFall, agentHealth
        case addr = 73, cookie, mode, algo, connRate, connRateMax, connTot, intercepted, dcon, dses
        case connect = 84, reuse
        case idleConnCur = 95, safeConnCur, usedConnCur, needConnEst, uweight
        case moduleSeparator = 103, sslSess, sslReusedSess, sslFailedHandshake
    }

    public struct Row: Sendable {
        public var fields: [String?] = Row.blank
        /// No field measured, and the `-` that ends the fixed columns (on every row, as HAProxy prints it).
        static let blank: [String?] = StatRows.columns.indices.map { $0 == Column.moduleSeparator.rawValue ? "-" : nil }
        subscript(_ column: Column) -> String? {
            get { fields[column.rawValue] }
            set { fields[column.rawValue] = newValue }
        }
        mutating func set(_ column: Column, _ value: Int?) { fields[column.rawValue] = value.map(String.init) }
    }

    public static func rows(_ snapshot: StatsSnapshot) -> [Row] {
        var rows: [Row] = []
        let pid = String(snapshot.process.pid)
        for group in ProxyGroup.groups(snapshot) {
            if let frontend = group.frontend {
                var row = Row()
                row[.pxname] = group.name
                row[.svname] = "FRONTEND"
                row.set(.scur, frontend.currentSessions)
                row.set(.slim, frontend.limitSessions)
                row.set(.stot, frontend.totalSessions)
                row.set(.bin, frontend.bytesIn)
                row.set(.bout, frontend.bytesOut)
                row.set(.dreq, frontend.deniedRequests)
                if frontend.isHTTP { row.set(.dresp, frontend.deniedResponses) }
                row.set(.ereq, frontend.requestErrors)
                row[.status] = frontend.status
                row[.pid] = pid
                row.set(.iid, group.id)
                row.set(.sid, 0)
                row.set(.type, 0)
                if frontend.isHTTP {
                    responses(frontend.responses, into: &row)
                    row.set(.reqTot, frontend.totalRequests)
                }
                row[.mode] = frontend.isHTTP ? "http" : "tcp"
                row.set(.connTot, frontend.totalSessions)
                if frontend.isHTTP { row.set(.intercepted, frontend.interceptedRequests) }
                row.set(.dcon, frontend.deniedConnections)
                row.set(.dses, frontend.deniedSessions)
                rates(frontend.sessionRate, into: &row)
                row.set(.connRate, frontend.sessionRate?.current)
                row.set(.connRateMax, frontend.sessionRate?.maximum)
                row.set(.reqRate, frontend.requestRate?.current)
                row.set(.reqRateMax, frontend.requestRate?.maximum)
                row.set(.sslSess, frontend.tls?.handshakes ?? 0)
                row.set(.sslReusedSess, frontend.tls?.resumed ?? 0)
                row.set(.sslFailedHandshake, frontend.tls?.failed ?? 0)
                rows.append(row)
            }
            if let backend = group.backend {
                for server in backend.servers {
                    var row = Row()
                    row[.pxname] = group.name
                    row[.svname] = server.name
                    row.set(.scur, server.currentSessions)
                    row.set(.slim, server.limitSessions)
                    row.set(.stot, server.totalSessions)
                    row.set(.bin, server.bytesIn)
                    row.set(.bout, server.bytesOut)
                    row.set(.econ, server.connectionErrors)
                    row.set(.eresp, server.responseErrors)
                    row.set(.wretr, server.retries)
                    row.set(.wredis, server.redispatches)
                    row[.status] = server.status.text
                    row.set(.lastchg, server.lastChangeSeconds)
                    row.set(.weight, server.weight)
                    row.set(.act, server.status.backup ? 0 : 1)
                    row.set(.bck, server.status.backup ? 1 : 0)
                    row[.pid] = pid
                    row.set(.iid, group.id)
                    row.set(.sid, server.id)
                    row.set(.lbtot, server.totalSessions)
                    row.set(.type, 2)
                    // A server in maintenance is not checked: HAProxy leaves its check columns empty.
                    let checksShown = server.status.checked && server.status.state != .maint
                    if checksShown { row[.checkStatus] = server.checkStatus }
                    if backend.isHTTP {
                        responses(server.responses, into: &row)
                        row.set(.reqTot, server.responses.total)
                    }
                    if checksShown {
                        row.set(.checkRise, server.checkRise)
                        row.set(.checkFall, server.checkFall)
                    }
                    checkDetails(server, checksShown: checksShown, into: &row)
                    row[.addr] = server.address
                    row[.mode] = backend.isHTTP ? "http" : "tcp"
                    row.set(.uweight, server.configuredWeight)
                    rates(server.sessionRate, into: &row)
                    row.set(.qcur, server.queueCurrent)
                    row.set(.qmax, server.queueMaximum)
                    row.set(.qlimit, server.queueLimit)
                    row.set(.connect, server.connectionAttempts)
                    row.set(.reuse, server.connectionReuses)
                    row.set(.idleConnCur, server.idleConnections)
                    row.set(.usedConnCur, server.usedConnections)
                    row.set(.needConnEst, server.neededConnections)
                    rows.append(row)
                }
                var row = Row()
                row[.pxname] = group.name
                row[.svname] = "BACKEND"
                row.set(.scur, backend.currentSessions)
                row.set(.stot, backend.totalSessions)
                row.set(.bin, backend.bytesIn)
                row.set(.bout, backend.bytesOut)
                row.set(.econ, backend.connectionErrors)
                row.set(.eresp, backend.responseErrors)
                row.set(.wretr, backend.retries)
                row.set(.wredis, backend.redispatches)
                row[.status] = backend.isUp ? "UP" : "DOWN"
                row.set(.weight, backend.weight)
                row.set(.act, backend.activeServers)
                row.set(.bck, backend.backupServers)
                row[.pid] = pid
                row.set(.iid, group.id)
                row.set(.sid, 0)
                row.set(.lbtot, backend.totalSessions)
                row.set(.type, 1)
                if backend.isHTTP {
                    responses(backend.responses, into: &row)
                    row.set(.reqTot, backend.totalRequests)
                    row.set(.dresp, backend.deniedResponses)
                }
                row[.mode] = backend.isHTTP ? "http" : "tcp"
                row[.algo] = backend.algorithm
                row.set(.uweight, backend.configuredWeight)
                rates(backend.sessionRate, into: &row)
                row.set(.qcur, backend.queueCurrent)
                row.set(.qmax, backend.queueMaximum)
                row.set(.connect, backend.servers.reduce(0) { $0 + $1.connectionAttempts })
                row.set(.reuse, backend.servers.reduce(0) { $0 + $1.connectionReuses })
                rows.append(row)
            }
        }
        return rows
    }

    /// The last check's and agent check's details, and the traffic-error trips.
    static func checkDetails(_ server: ServerSnapshot, checksShown: Bool, into row: inout Row) {
        row.set(.hanafail, server.trafficErrorTrips)
        if checksShown, server.checkStatus != nil {
            row.set(.checkCode, server.checkCode)
            row.set(.checkDuration, server.checkDuration)
            row[.checkDesc] = server.checkDescription
            row[.lastChk] = server.lastCheckInfo
            row.set(.checkHealth, server.checkHealth)
        }
        guard let agent = server.agent else { return }
        row[.agentStatus] = agent.status
        row.set(.agentCode, agent.code)
        row.set(.agentDuration, agent.duration)
        row[.agentDesc] = agent.description
        row[.lastAgt] = agent.info
        row.set(.agentRise, 1)
        row.set(.agentFall, 1)
        row.set(.agentHealth, agent.health)
    }

    /// `rate` and `rate_max`: sessions in the last second and in the busiest one (empty until measured).
    static func rates(_ rate: EventRate?, into row: inout Row) {
        row.set(.rate, rate?.current)
        row.set(.rateMax, rate?.maximum)
    }

    static func responses(_ counts: ResponseCounts, into row: inout Row) {
        for index in 0..<6 { row.fields[Column.hrsp1xx.rawValue + index] = String(counts.counts[index]) }
    }
}

/// `;csv`: the header line starts with `# `, each line ends with a comma as HAProxy prints it, and a
/// field is quoted only when it must be.
public enum CSVRenderer {
    public static func render(_ snapshot: StatsSnapshot) -> [UInt8] {
        var out = TextBuffer(capacity: 64 * 1024)
        out.append("# ")
        for column in StatRows.columns {
            out.append(column)
            out.append(byte: UInt8(ascii: ","))
        }
        out.append(byte: 10)
        for row in StatRows.rows(snapshot) {
            for field in row.fields {
                if let field { append(field, to: &out) }
                out.append(byte: UInt8(ascii: ","))
            }
            out.append(byte: 10)
        }
        return out.bytes
    }

    static func append(_ field: String, to out: inout TextBuffer) {
        guard field.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) else {
            out.append(field)
            return
        }
        out.append(byte: UInt8(ascii: "\""))
        for byte in field.utf8 {
            if byte == UInt8(ascii: "\"") { out.append(byte: byte) }
            out.append(byte: byte)
        }
        out.append(byte: UInt8(ascii: "\""))
    }
}

/// `;json`: one object per row, keyed by the CSV column names; numbers as numbers, absent fields left out.
public enum JSONRenderer {
    static let numericColumns: Set<Int> = {
        let textual: Set<String> = ["pxname", "svname", "status", "check_status", "check_desc", "agent_desc",
                                    "agent_status", "addr", "cookie", "mode", "algo", "last_chk", "last_agt"]
        return Set(StatRows.columns.indices.filter { !textual.contains(StatRows.columns[$0]) })
    }()

    public static func render(_ snapshot: StatsSnapshot) -> [UInt8] {
        var out = TextBuffer(capacity: 64 * 1024)
        out.append(byte: UInt8(ascii: "["))
        for (rowIndex, row) in StatRows.rows(snapshot).enumerated() {
            out.append(rowIndex == 0 ? "\n{" : ",\n{")
            var first = true
            for (index, field) in row.fields.enumerated() {
                // The `-` that ends the fixed columns is a CSV marker, not a field.
                guard let field, index != StatRows.Column.moduleSeparator.rawValue else { continue }
                if !first { out.append(byte: UInt8(ascii: ",")) }
                first = false
                string(StatRows.columns[index], into: &out)
                out.append(byte: UInt8(ascii: ":"))
                if numericColumns.contains(index), Int(field) != nil { out.append(field) } else { string(field, into: &out) }
            }
            out.append(byte: UInt8(ascii: "}"))
        }
        out.append("\n]\n")
        return out.bytes
    }

    static func string(_ text: String, into out: inout TextBuffer) {
        out.append(byte: UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append("\\\"")
            case UInt8(ascii: "\\"): out.append("\\\\")
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out.append("\\u00")
                out.append(byte: hex[Int(byte >> 4)])
                out.append(byte: hex[Int(byte & 15)])
            default: out.append(byte: byte)
            }
        }
        out.append(byte: UInt8(ascii: "\""))
    }
}
