/// HAProxy's server state file, format version 1: what `show servers state` prints and what
/// `load-server-state-from-file` reads at start. The first line is the version, `#` lines are comments
/// (the second names the columns), then one line of space-separated fields per server.
public struct ServerStateFile: Sendable, Hashable {
    /// The one format version written and read.
    public static let version = 1

    /// The columns of a version 1 line, in order.
    public static let columns = [
        "be_id", "be_name", "srv_id", "srv_name", "srv_addr", "srv_op_state", "srv_admin_state", "srv_uweight",
        "srv_iweight", "srv_time_since_last_change", "srv_check_status", "srv_check_result", "srv_check_health",
        "srv_check_state", "srv_agent_state", "bk_f_forced_id", "srv_f_forced_id", "srv_fqdn", "srv_port", "srvrecord",
        "srv_use_ssl", "srv_check_port", "srv_check_addr", "srv_agent_addr", "srv_agent_port",
    ]

    /// The file's first two lines: the version and the column names.
    public static var header: String { "\(version)\n# " + columns.joined(separator: " ") + "\n" }

    /// The fewest fields a line may have: up to `srv_check_state`, the last one lb applies. Files from
    /// older HAProxy versions have fewer columns than 2.6 writes, never fewer than this.
    static let minimumFields = 14

    /// `srv_admin_state` bits.
    public enum Admin {
        /// In maintenance (`disabled`, runtime API, stats page).
        public static let forcedMaintenance = 0x01
        /// Maintenance inherited from a tracked server.
        public static let inheritedMaintenance = 0x02
        /// `disabled` in the configuration, whether or not an operator enabled the server since: a
        /// memory of the configuration the file was written with.
        public static let configuredMaintenance = 0x04
        /// Forced into drain.
        public static let forcedDrain = 0x08
    }

    /// `srv_check_state` bits.
    public enum Check {
        public static let configured = 0x02
        public static let enabled = 0x04
    }

    /// `srv_op_state` values.
    public enum Operational {
        public static let stopped = 0
        public static let starting = 1
        public static let running = 2
        public static let stopping = 3
    }

    public var lines: [ServerStateLine]
    /// Lines that could not be read, with their line number (1-based) and why.
    public var problems: [String]

    public init(lines: [ServerStateLine], problems: [String] = []) {
        self.lines = lines
        self.problems = problems
    }

    /// Reads a state file's text. A missing or unknown version yields no lines and one problem, as
    /// HAProxy then ignores the whole file.
    public init(parsing text: String) {
        lines = []
        problems = []
        var numbered = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().makeIterator()
        guard let (_, first) = numbered.next(),
              Int(first.trimmingCharacters(in: " \t\r")) == Self.version else {
            problems = ["line 1: not a server state file of version \(Self.version)"]
            return
        }
        while let (index, raw) = numbered.next() {
            let fields = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            if fields.isEmpty || fields[0].hasPrefix("#") { continue }
            guard fields.count >= Self.minimumFields else {
                problems.append("line \(index + 1): \(fields.count) fields, at least \(Self.minimumFields) expected")
                continue
            }
            let numbers = [0, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13].map { Int(fields[$0]) }
            guard !numbers.contains(nil) else {
                problems.append("line \(index + 1): a numeric field is not a number")
                continue
            }
            let n = numbers.map { $0! }
            lines.append(ServerStateLine(
                backendID: n[0], backendName: fields[1], serverID: n[1], serverName: fields[3], address: fields[4],
                operationalState: n[2], adminState: n[3], userWeight: n[4], initialWeight: n[5],
                secondsSinceLastChange: n[6], checkStatus: n[7], checkResult: n[8], checkHealth: n[9], checkState: n[10]))
        }
    }

    /// The line of server `server` of backend `backend`, matched by names (the last one if repeated).
    public func line(backend: String, server: String) -> ServerStateLine? {
        lines.last { $0.backendName == backend && $0.serverName == server }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var result = self
        while let first = result.first, set.contains(first) { result = result.dropFirst() }
        while let last = result.last, set.contains(last) { result = result.dropLast() }
        return result
    }
}
