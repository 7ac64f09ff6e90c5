/// Everything the renderers need, read once from the running proxy. Values lb cannot compute honestly
/// are nil (or absent) and are rendered as empty CSV fields and left out of the exporter.
public struct StatsSnapshot: Sendable {
    public var process: ProcessSnapshot
    public var frontends: [FrontendSnapshot]
    public var backends: [BackendSnapshot]
    /// Every stick table, in declaration order.
    public var stickTables: [StickTableSnapshot] = []

    public init(process: ProcessSnapshot, frontends: [FrontendSnapshot], backends: [BackendSnapshot]) {
        self.process = process
        self.frontends = frontends
        self.backends = backends
    }
}

public struct ProcessSnapshot: Sendable {
    public var version: String
    public var pid: Int
    public var threads: Int
    public var startTimeSeconds: Int
    public var uptimeSeconds: Int
    public var currentConnections: Int
    public var maxConnections: Int
    public var totalConnections: Int
    public var totalRequests: Int
    /// Log records dropped because a sink's queue was full; nil when no access log is configured.
    public var droppedLogs: Int?
    /// Connections accepted per second by the whole process; nil until the first second is measured.
    public var connectionRate: EventRate?

    public init(version: String, pid: Int, threads: Int, startTimeSeconds: Int, uptimeSeconds: Int,
                currentConnections: Int, maxConnections: Int, totalConnections: Int, totalRequests: Int,
                droppedLogs: Int? = nil) {
        self.version = version
        self.pid = pid
        self.threads = threads
        self.startTimeSeconds = startTimeSeconds
        self.uptimeSeconds = uptimeSeconds
        self.currentConnections = currentConnections
        self.maxConnections = maxConnections
        self.totalConnections = totalConnections
        self.totalRequests = totalRequests
        self.droppedLogs = droppedLogs
    }
}

public struct FrontendSnapshot: Sendable {
    public var name: String
    public var id: Int
    public var isHTTP: Bool
    public var currentSessions: Int
    public var limitSessions: Int
    public var totalSessions: Int
    public var totalRequests: Int
    public var requestErrors: Int
    public var deniedRequests: Int
    public var bytesIn: Int
    public var bytesOut: Int
    public var responses: ResponseCounts
    /// Responses refused by `http-response deny` (HTTP only).
    public var deniedResponses = 0
    /// Connections refused by `tcp-request connection` rules (`dcon`) and by `tcp-request session`
    /// rules (`dses`).
    public var deniedConnections = 0
    public var deniedSessions = 0
    /// Requests answered by lb itself: monitor URI, stats, `return`, `redirect`... (HTTP only).
    public var interceptedRequests = 0
    /// Sessions (accepted connections) and HTTP requests per second; nil until the first second is measured.
    public var sessionRate: EventRate?
    public var requestRate: EventRate?
    /// Where the section stands in the configuration: the stats list proxies in that order.
    public var position = 0
    /// The handshakes of its `ssl` binds; nil when it has none.
    public var tls: TLSSnapshot?
    /// `OPEN`, or `PAUSED` after `disable frontend` (its listening sockets closed until `enable frontend`).
    public var status = "OPEN"

    public init(name: String, id: Int, isHTTP: Bool, currentSessions: Int, limitSessions: Int, totalSessions: Int,
                totalRequests: Int, requestErrors: Int, deniedRequests: Int, bytesIn: Int, bytesOut: Int,
                responses: ResponseCounts) {
        self.name = name
        self.id = id
        self.isHTTP = isHTTP
        self.currentSessions = currentSessions
        self.limitSessions = limitSessions
        self.totalSessions = totalSessions
        self.totalRequests = totalRequests
        self.requestErrors = requestErrors
        self.deniedRequests = deniedRequests
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.responses = responses
    }
}

public struct ServerSnapshot: Sendable {
    public var name: String
    public var id: Int
    public var address: String
    public var status: ServerStatusInput
    public var currentSessions: Int
    public var limitSessions: Int?
    public var totalSessions: Int
    public var bytesIn: Int
    public var bytesOut: Int
    public var connectionErrors: Int
    public var responseErrors: Int
    public var retries: Int
    public var redispatches: Int
    public var weight: Int
    public var configuredWeight: Int
    /// `check_status` (`L4OK`, `L7STS`...), nil when the server is not checked or not checked yet.
    public var checkStatus: String?
    public var checkRise: Int
    public var checkFall: Int
    public var responses: ResponseCounts
    public var latency: LatencySnapshot
    /// Seconds since the last change of state, nil when it never changed.
    public var lastChangeSeconds: Int?
    /// Health checks run (false after an operator disabled them).
    public var checksEnabled: Bool = true
    /// Sessions sent to the server per second; nil until the first second is measured.
    public var sessionRate: EventRate?
    /// Requests waiting for this server in particular (persistence), now and at most; `maxqueue`.
    public var queueCurrent = 0
    public var queueMaximum = 0
    public var queueLimit: Int?
    /// Server connections: serving a request now, idle in a pool, and what recent traffic needs
    /// (`used_conn_cur`, `idle_conn_cur`, `need_conn_est`); connections opened and requests sent over an
    /// idle one (`connect`, `reuse`).
    public var usedConnections = 0
    public var idleConnections = 0
    public var neededConnections = 0
    public var connectionAttempts = 0
    public var connectionReuses = 0
    /// The last check beyond its status: `check_code` (HTTP status, SMTP reply, MySQL or LDAP error; nil
    /// where HAProxy shows none), `check_duration` (ms), `check_desc` (the status in words), `last_chk`
    /// (what the check found) and the rise/fall counter (`check_health`); nil when unknown.
    public var checkCode: Int?
    public var checkDuration: Int?
    public var checkDescription: String?
    public var lastCheckInfo: String?
    public var checkHealth: Int?
    /// The agent check, nil when the server has none.
    public var agent: AgentCheckSnapshot?
    /// Times consecutive traffic errors reached `error-limit` (`hanafail`).
    public var trafficErrorTrips = 0

    public init(name: String, id: Int, address: String, status: ServerStatusInput, currentSessions: Int,
                limitSessions: Int?, totalSessions: Int, bytesIn: Int, bytesOut: Int, connectionErrors: Int,
                responseErrors: Int, retries: Int, redispatches: Int, weight: Int, configuredWeight: Int,
                checkStatus: String?, checkRise: Int, checkFall: Int, responses: ResponseCounts, latency: LatencySnapshot,
                lastChangeSeconds: Int? = nil, checksEnabled: Bool = true) {
        self.name = name
        self.id = id
        self.address = address
        self.status = status
        self.currentSessions = currentSessions
        self.limitSessions = limitSessions
        self.totalSessions = totalSessions
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.connectionErrors = connectionErrors
        self.responseErrors = responseErrors
        self.retries = retries
        self.redispatches = redispatches
        self.weight = weight
        self.configuredWeight = configuredWeight
        self.checkStatus = checkStatus
        self.checkRise = checkRise
        self.checkFall = checkFall
        self.responses = responses
        self.latency = latency
        self.lastChangeSeconds = lastChangeSeconds
        self.checksEnabled = checksEnabled
    }

    /// Counts toward load balancing now (HAProxy's `act`/`bck` columns and `active_servers`).
    public var isServing: Bool { status.state == .up }
}

public struct BackendSnapshot: Sendable {
    public var name: String
    public var id: Int
    public var isHTTP: Bool
    public var algorithm: String
    public var servers: [ServerSnapshot]
    /// Requests (or TCP sessions) that reached this backend.
    public var totalSessions: Int
    public var totalRequests: Int
    public var responses: ResponseCounts
    public var latency: LatencySnapshot
    /// Responses refused by `http-response deny` (HTTP only).
    public var deniedResponses = 0
    /// Sessions (HTTP requests, or TCP connections) per second; nil until the first second is measured.
    public var sessionRate: EventRate?
    /// Where the section stands in the configuration: the stats list proxies in that order.
    public var position = 0
    /// Requests waiting for any server of the backend (all full), now and at most.
    public var queueCurrent = 0
    public var queueMaximum = 0

    public init(name: String, id: Int, isHTTP: Bool, algorithm: String, servers: [ServerSnapshot], totalSessions: Int,
                totalRequests: Int, responses: ResponseCounts, latency: LatencySnapshot) {
        self.name = name
        self.id = id
        self.isHTTP = isHTTP
        self.algorithm = algorithm
        self.servers = servers
        self.totalSessions = totalSessions
        self.totalRequests = totalRequests
        self.responses = responses
        self.latency = latency
    }

    /// UP while a server serves, and always for a backend without servers (a stats or service-only
    /// proxy), as HAProxy reports them.
    public var isUp: Bool { servers.isEmpty || servers.contains { $0.isServing } }
    public var currentSessions: Int { servers.reduce(0) { $0 + $1.currentSessions } }
    public var bytesIn: Int { servers.reduce(0) { $0 + $1.bytesIn } }
    public var bytesOut: Int { servers.reduce(0) { $0 + $1.bytesOut } }
    public var connectionErrors: Int { servers.reduce(0) { $0 + $1.connectionErrors } }
    public var responseErrors: Int { servers.reduce(0) { $0 + $1.responseErrors } }
    public var retries: Int { servers.reduce(0) { $0 + $1.retries } }
    public var redispatches: Int { servers.reduce(0) { $0 + $1.redispatches } }
    public var activeServers: Int { servers.reduce(0) { $0 + ($1.isServing && !$1.status.backup ? 1 : 0) } }
    public var backupServers: Int { servers.reduce(0) { $0 + ($1.isServing && $1.status.backup ? 1 : 0) } }
    /// Sum of the weights of the servers serving now (HAProxy's backend `weight`).
    public var weight: Int { servers.reduce(0) { $0 + ($1.isServing ? $1.weight : 0) } }
    public var configuredWeight: Int { servers.reduce(0) { $0 + $1.configuredWeight } }
}
