import LBConfig

/// The immutable, compiled form of a configuration that the data plane runs: every name resolved to an
/// index, every ACL, pattern and regex compiled once. Built by `ProxyPlan.compile(_:)`.
public struct ProxyPlan: Sendable {
    public var global: GlobalSettings
    public var frontends: [FrontendPlan]
    public var backends: [BackendPlan]
    /// Every `stick-table`, in configuration order.
    public var stickTables: [StickTablePlan] = []
    /// `peers` sections, which share the tables that name them with other nodes.
    public var peers: [PeersSection] = []

    public init(global: GlobalSettings, frontends: [FrontendPlan], backends: [BackendPlan]) {
        self.global = global
        self.frontends = frontends
        self.backends = backends
    }

    public func backendIndex(named name: String) -> Int? { backends.firstIndex { $0.name == name } }
}

/// What the frontend side of a proxy does with a connection or request.
public struct FrontendPlan: Sendable {
    public var name: String
    /// Where the section stands among the configuration's proxies (0-based): the order of the stats.
    public var position = 0
    public var mode: ProxyMode
    public var binds: [BindAddress]
    public var maxConnections: Int?
    public var timeouts: Timeouts
    /// The frontend's own `option http-keep-alive|http-server-close|httpclose`, nil when unset.
    public var connectionMode: HTTPConnectionMode?
    public var forwardFor: ForwardForSettings?
    public var stats: StatsSettings?
    /// Evaluates `http-request` rules and `use_backend` / `default_backend`.
    public var rules: RequestRules
    public var logging: ProxyLogging
    /// For a `listen` section, the index of its own backend half.
    public var ownBackend: Int?
    /// `capture request|response header` and `capture cookie` lines, in order, for the log record.
    public var captures: [CaptureDeclaration] = []
    /// `stats admin if|unless COND`, compiled; nil when no admin condition is set.
    public var statsAdminCondition: CompiledCondition?
    /// `tcp-request connection` rules, run at accept, and `tcp-request session` rules, run once the
    /// connection is set up (PROXY header read, TLS handshake done).
    public var connectionRules = TCPRequestRules()
    public var sessionRules = TCPRequestRules()
    /// `tcp-request inspect-delay` and `tcp-request content` rules (TCP mode): a connection's first bytes
    /// are read, and the rules decided, before a backend is chosen.
    public var inspectDelay: Int?
    public var contentRules = TCPRequestRules()
    /// Whether connections wait for their first bytes before a backend is chosen.
    public var inspectsContent: Bool { inspectDelay != nil || !contentRules.isEmpty }
    /// `grace`: how long the frontend keeps serving after a soft stop, its monitor URI failing.
    public var grace: Int?
    /// `monitor-uri`, and the `monitor fail` conditions that make it answer 503.
    public var monitorURI: String?
    public var monitorFail: [CompiledCondition] = []
    /// `http-response` rules (a `listen` section's run here, once), after the backend's.
    public var responseRules = ResponseRules()

    public init(name: String, mode: ProxyMode, binds: [BindAddress], maxConnections: Int?, timeouts: Timeouts,
                connectionMode: HTTPConnectionMode?, forwardFor: ForwardForSettings?, stats: StatsSettings?,
                rules: RequestRules, logging: ProxyLogging, ownBackend: Int?) {
        self.name = name
        self.mode = mode
        self.binds = binds
        self.maxConnections = maxConnections
        self.timeouts = timeouts
        self.connectionMode = connectionMode
        self.forwardFor = forwardFor
        self.stats = stats
        self.rules = rules
        self.logging = logging
        self.ownBackend = ownBackend
    }
}

/// The backend side: servers and how to pick one.
public struct BackendPlan: Sendable {
    public var name: String
    /// Where the section stands among the configuration's proxies (0-based): the order of the stats.
    public var position = 0
    public var mode: ProxyMode
    public var servers: [ServerPlan]
    public var balance: BalanceAlgorithm
    /// `hash-type`: how `source`, `uri`, `url_param` and `hdr` hash their key and place it on the servers.
    public var hashType = HashType()
    /// `persist rdp-cookie(NAME)`: the RDP cookie whose value names the server (TCP mode).
    public var persistRDPCookie: String?
    public var retries: Int
    /// nil: no redispatch; -1: redispatch on the last retry; N > 0: every Nth retry.
    public var redispatchInterval: Int?
    public var timeouts: Timeouts
    public var connectionMode: HTTPConnectionMode?
    public var forwardFor: ForwardForSettings?
    public var healthCheck: HealthCheckSettings
    /// `http-request` rules of a plain `backend` section (run after the frontend chose it).
    public var rules: RequestRules
    /// True when `option allbackups` is set: every usable backup serves, not only the first.
    public var allBackups: Bool
    /// Cookie persistence (`cookie NAME ...`), nil when not configured.
    public var cookie: CookieSettings?
    /// `option persist`: a cookie keeps pointing at its server even while that server is down.
    public var persist = false
    /// `http-check expect`, compiled; decides a check from its status code.
    public var checkExpectation: HTTPCheckExpectation?
    /// The check as steps (`tcp-check` rules, a protocol check, an HTTP check); nil for a connect check.
    public var checkProgram: CheckProgram?
    /// `http-response` rules of a plain `backend` section (run before the frontend's).
    public var responseRules = ResponseRules()
    /// `retry-on`: which failures use up a retry.
    public var retryOn = RetryConditions()
    /// `http-reuse`: which requests may use an idle server connection.
    public var reuse = HTTPReuseMode.safe
    /// The `stick-table` this backend declares (other backends may use it with `table NAME`).
    public var stickTable: StickTableDeclaration?
    /// `stick` rules in order.
    public var stickRules: [CompiledStickRule] = []
    /// The server state file read at start (`load-server-state-from-file`), nil for none.
    public var serverStateFile: String?

    public init(name: String, mode: ProxyMode, servers: [ServerPlan], balance: BalanceAlgorithm, retries: Int,
                redispatchInterval: Int?, timeouts: Timeouts, connectionMode: HTTPConnectionMode?,
                forwardFor: ForwardForSettings?, healthCheck: HealthCheckSettings, rules: RequestRules, allBackups: Bool) {
        self.name = name
        self.mode = mode
        self.servers = servers
        self.balance = balance
        self.retries = retries
        self.redispatchInterval = redispatchInterval
        self.timeouts = timeouts
        self.connectionMode = connectionMode
        self.forwardFor = forwardFor
        self.healthCheck = healthCheck
        self.rules = rules
        self.allBackups = allBackups
    }
}

public struct ServerPlan: Sendable, Hashable {
    public var name: String
    /// Position in the backend's server list (HAProxy's server id is `index + 1`).
    public var index: Int
    public var host: String
    /// nil: use the client connection's destination port.
    public var port: Int?
    public var weight: Int
    public var maxConnections: Int?
    /// `maxqueue`: requests that may wait for this server when it is full (nil or 0: no limit). Past it,
    /// requests bound to the server by persistence go to another server.
    public var maxQueue: Int?
    public var backup: Bool
    public var disabled: Bool
    public var check: Bool
    public var checkInterval: Int
    public var fastInterval: Int
    public var downInterval: Int
    public var rise: Int
    public var fall: Int
    public var checkPort: Int?
    public var checkAddress: String?
    /// The server's persistence cookie value (`cookie VALUE` on the server line).
    public var cookie: String?
    /// `pool-max-conn`: the most idle connections kept for reuse, over every thread (nil: no limit).
    public var poolMaxIdle: Int?
    /// `pool-purge-delay` in milliseconds: how often idle connections beyond recent need are trimmed.
    public var poolPurgeDelay = 5000
    /// TLS towards the server (`ssl`, `check-ssl`...), nil when neither traffic nor checks use it.
    public var tls: ServerTLSPlan?
    /// Traffic-based health and the `on-marked-*` actions.
    public var observation: TrafficObservation
    /// Whether `fastinter` was written (traffic errors then bring the next check forward).
    public var fastIntervalConfigured: Bool
    /// The agent check, nil without `agent-check`.
    public var agent: AgentCheckSettings?
    /// `send-proxy` / `send-proxy-v2`: the PROXY header version written first on each traffic connection.
    public var sendProxy: ProxyProtocolVersion?
    /// The PROXY header version health checks write first: with `check-send-proxy` (version 1 unless the
    /// traffic uses 2), or as the traffic does when the check goes to the traffic address (no `port` nor `addr`).
    public var checkSendProxy: ProxyProtocolVersion?

    public init(declaration: ServerDeclaration, index: Int) {
        name = declaration.name
        self.index = index
        host = declaration.host
        port = declaration.port
        weight = declaration.weight
        maxConnections = declaration.maxConnections
        maxQueue = declaration.maxQueue
        backup = declaration.backup
        disabled = declaration.disabled
        check = declaration.check
        checkInterval = declaration.checkInterval
        fastInterval = declaration.fastInterval ?? declaration.checkInterval
        downInterval = declaration.downInterval ?? declaration.checkInterval
        rise = declaration.rise
        fall = declaration.fall
        checkPort = declaration.checkPort
        checkAddress = declaration.checkAddress
        cookie = declaration.cookie
        poolMaxIdle = declaration.poolMaxConnections < 0 ? nil : declaration.poolMaxConnections
        poolPurgeDelay = declaration.poolPurgeDelay
        observation = declaration.observation
        fastIntervalConfigured = declaration.fastInterval != nil
        agent = declaration.agent.enabled ? declaration.agent : nil
        sendProxy = declaration.sendProxy
        if declaration.checkSendProxy {
            checkSendProxy = declaration.sendProxy ?? .v1
        } else if declaration.checkPort == nil, declaration.checkAddress == nil {
            checkSendProxy = declaration.sendProxy
        }
    }
}
