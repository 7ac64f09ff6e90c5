/// A `frontend`, `backend` or `listen` section, with what it inherited from its `defaults` already applied.
public struct Proxy: Sendable {
    public struct Capabilities: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let frontend = Capabilities(rawValue: 1)
        public static let backend = Capabilities(rawValue: 2)
        public static let listen: Capabilities = [.frontend, .backend]
    }

    public var name: String
    public var capabilities: Capabilities
    public var location: SourceLocation
    public var mode: ProxyMode = .tcp

    // Frontend side.
    public var binds: [BindAddress] = []
    /// Per-proxy connection limit (`maxconn`); nil means inherit the process limit.
    public var maxConnections: Int?
    public var defaultBackend: BackendReference?
    public var useBackendRules: [UseBackendRule] = []
    public var httpRequestRules: [HTTPRule] = []
    public var httpResponseRules: [HTTPRule] = []
    /// `acl` lines in order. Several lines may share a name: the ACL matches when any of them matches.
    public var acls: [ACLDeclaration] = []

    // Backend side.
    public var servers: [ServerDeclaration] = []
    public var balance: BalanceAlgorithm = .roundRobin
    /// `persist rdp-cookie[(NAME)]`: the RDP cookie (`msts` by default) that names a client's server.
    public var persistRDPCookie: String?
    /// `hash-type` words as written (for hash-based algorithms).
    public var hashType: [String] = []
    /// Connect attempts after the first one fails (`retries`, default 3).
    public var retries: Int = 3
    /// `retry-on`: the failures that use up a retry (default: connection failures only).
    public var retryOn = RetryConditions()
    /// `option redispatch [interval]`: nil when off; -1 means on the last retry.
    public var redispatchInterval: Int?
    /// `http-reuse`: which requests may use an idle server connection another request left.
    public var httpReuse = HTTPReuseMode.safe
    public var healthCheck: HealthCheckSettings = HealthCheckSettings()
    /// `cookie ...`: persistence by cookie (nil when not configured).
    public var cookie: CookieSettings?
    /// `stick-table ...` declared in this proxy.
    public var stickTable: StickTableDeclaration?
    /// `stick ...` rules, in order.
    public var stickRules: [StickRule] = []
    /// `load-server-state-from-file` and `server-state-file-name` (nil: the backend's name).
    public var serverStateLoading = ServerStateLoading.none
    public var serverStateFileName: String?

    // Both.
    public var timeouts: Timeouts = Timeouts()
    public var httpConnectionMode: HTTPConnectionMode?
    public var forwardFor: ForwardForSettings?
    public var logging: ProxyLogging = ProxyLogging()
    public var stats: StatsSettings?
    /// `tcp-request inspect-delay`: how long to wait for the first bytes the content rules read.
    public var inspectDelay: Int?
    /// `tcp-request connection`, `session` and `content` rules, each set in order.
    public var tcpConnectionRules: [TCPRequestRule] = []
    public var tcpSessionRules: [TCPRequestRule] = []
    public var tcpContentRules: [TCPRequestRule] = []
    /// `grace DURATION`: after a soft stop, the frontend keeps serving this long (its `monitor-uri`
    /// failing) before it stops taking connections.
    public var grace: Int?
    /// `monitor-uri PATH`: requests for exactly this URI are answered by lb (200, or 503 when failing).
    public var monitorURI: String?
    /// `monitor fail if|unless COND`: when one holds, the monitor URI answers 503.
    public var monitorFailConditions: [Condition] = []
    /// `option` names that are on (true) or explicitly off with `no option` (false), for options with no
    /// dedicated field.
    public var options: [String: Bool] = [:]
    /// `capture request|response header` and `capture cookie` lines, in order (added for the log record;
    /// the data plane does not fill captures yet).
    public var captures: [CaptureDeclaration] = []
    /// Lines whose keyword lb accepts but does not apply yet (see `RawDirective`), including those inherited
    /// from the defaults section.
    public var unappliedDirectives: [RawDirective] = []

    public init(name: String, capabilities: Capabilities, location: SourceLocation) {
        self.name = name
        self.capabilities = capabilities
        self.location = location
    }

    public var isFrontend: Bool { capabilities.contains(.frontend) }
    public var isBackend: Bool { capabilities.contains(.backend) }
}

public enum ProxyMode: String, Sendable, Hashable {
    case http
    case tcp
}

/// One address on a `bind` line. `host` nil means every address (`*` or empty).
public struct BindAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String?
    public var port: Int
    /// `fd@N`: the listening socket is descriptor N, inherited already bound (host and port unused).
    public var descriptor: Int32?
    /// Options after the address (`name`, `v6only`, `transparent`...) as written.
    public var options: [String]
    /// TLS termination (`ssl crt ...`), when the line asks for it.
    public var tls: BindTLS?
    public var location: SourceLocation

    public init(host: String?, port: Int, options: [String] = [], tls: BindTLS? = nil, location: SourceLocation) {
        self.host = host
        self.port = port
        self.options = options
        self.tls = tls
        self.location = location
    }

    /// A bind on an inherited listening socket (`fd@N`).
    public init(descriptor: Int32, options: [String] = [], location: SourceLocation) {
        self.init(host: nil, port: 0, options: options, location: location)
        self.descriptor = descriptor
    }

    /// `accept-proxy`: connections start with a PROXY protocol header (v1 or v2) naming the real client.
    public var acceptProxy: Bool { options.contains("accept-proxy") }

    public var description: String {
        if let descriptor { return "fd@\(descriptor)" }
        guard let host else { return "*:\(port)" }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// A backend name, or a log-format expression that computes one at request time (`%[req.hdr(host),lower]`).
public enum BackendReference: Sendable, Hashable {
    case name(String)
    case dynamic(String)
}

public struct UseBackendRule: Sendable {
    public var backend: BackendReference
    public var condition: Condition?
    public var location: SourceLocation
    public init(backend: BackendReference, condition: Condition?, location: SourceLocation) {
        self.backend = backend
        self.condition = condition
        self.location = location
    }
}

/// An `http-request` or `http-response` rule.
public struct HTTPRule: Sendable {
    public enum Action: Sendable, Hashable {
        /// `set-header NAME FMT`: the value is a log-format string (may hold `%[...]` samples).
        case setHeader(name: String, value: String)
        case addHeader(name: String, value: String)
        case delHeader(name: String)
        case replaceHeader(name: String, regex: String, replacement: String)
        case deny(status: Int)
        /// `return [status N] [content-type T] [string S | lf-string S | file F | lf-file F] [hdr NAME FMT]...`.
        case `return`(status: Int, contentType: String?, body: ReturnBody?, headers: [ReturnHeader] = [])
        case allow
        case redirect(kind: RedirectKind, target: String, code: Int)
        case auth(realm: String?)
        case setPath(String)
        case setQuery(String)
        case setURI(String)
        case useService(String)
        /// `track-scN KEY [table T]`: slot N tracks the entry of KEY (a sample expression).
        case track(slot: Int, key: String, table: String?)
        /// `tarpit [deny_status N]`: hold the request for `timeout tarpit`, then answer N (500).
        case tarpit(status: Int)
        /// `reject`: close the connection without an answer.
        case reject
        /// `sc-inc-gpc0(N)`, `sc-inc-gpc1(N)`, `sc-set-gpt0(N) VALUE`.
        case stickCounter(name: String, slot: Int, value: Int?)
        /// A rule keyword parsed but implemented by a later feature: kept so it can be reported.
        case unsupported(keyword: String, arguments: [String])
    }
    public enum ReturnBody: Sendable, Hashable {
        case string(String)
        case logFormat(String)
        case file(String)
        /// `lf-file`: a file whose text is a log-format string.
        case logFormatFile(String)
    }
    /// `hdr NAME FMT` of a `return`: a header of the answer, its value a log-format string.
    public struct ReturnHeader: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }
    public enum RedirectKind: String, Sendable, Hashable { case location, prefix, scheme }

    public var action: Action
    public var condition: Condition?
    public var location: SourceLocation
    public init(action: Action, condition: Condition?, location: SourceLocation) {
        self.action = action
        self.condition = condition
        self.location = location
    }
}

/// How HTTP connections are kept (`option http-keep-alive|http-server-close|httpclose`).
public enum HTTPConnectionMode: String, Sendable, Hashable, Comparable {
    case keepAlive = "http-keep-alive"
    case serverClose = "http-server-close"
    case close = "httpclose"

    /// The stronger mode wins when a frontend and a backend disagree: close > server-close > keep-alive.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.strength < rhs.strength }
    private var strength: Int {
        switch self {
        case .keepAlive: 0
        case .serverClose: 1
        case .close: 2
        }
    }
}

/// `option forwardfor [except NETWORK] [header NAME] [if-none]`.
public struct ForwardForSettings: Sendable, Hashable {
    public var except: IPNetwork?
    public var header: String = "X-Forwarded-For"
    public var ifNone: Bool = false
    public init(except: IPNetwork? = nil, header: String = "X-Forwarded-For", ifNone: Bool = false) {
        self.except = except
        self.header = header
        self.ifNone = ifNone
    }
}

/// All `timeout` settings, in milliseconds; nil means not set.
public struct Timeouts: Sendable, Hashable {
    public var client: Int?
    public var server: Int?
    public var connect: Int?
    public var httpRequest: Int?
    public var httpKeepAlive: Int?
    public var queue: Int?
    public var tunnel: Int?
    public var check: Int?
    public var clientFin: Int?
    public var serverFin: Int?
    /// `timeout tarpit`: how long a tarpitted request is held (HAProxy uses `timeout connect` when unset).
    public var tarpit: Int?
    public init() {}
}

/// Logging settings of a proxy.
public struct ProxyLogging: Sendable, Hashable {
    public enum Format: Sendable, Hashable {
        case none
        case tcplog
        case httplog
        /// `option httpslog`: httplog followed by the TLS facts of the connection (HAProxy 2.5+).
        case httpslog
        case httplogCLF
        case httplogJSON
        case custom(String)
    }
    /// `log global` was written.
    public var useGlobal: Bool = false
    /// `no log` was written.
    public var disabled: Bool = false
    public var targets: [LogTarget] = []
    public var format: Format = .none
    public var dontLogNull: Bool = false
    public var dontLogNormal: Bool = false
    public var separateErrors: Bool = false
    public var logTag: String?
    /// Where `log-format` was written (possibly in a defaults section): errors found when the format is
    /// compiled name this line.
    public var formatLocation: SourceLocation?
    /// `option logasap`: an HTTP request is logged as soon as its response headers are relayed, without
    /// waiting for the body; Ta, Tt, Tu and the byte count then print with a leading `+`.
    public var logASAP: Bool = false
    /// `unique-id-format`: the log-format string computed once per request as its unique id (`%ID`,
    /// the `unique-id` fetch), and where it was written.
    public var uniqueIDFormat: String?
    public var uniqueIDFormatLocation: SourceLocation?
    /// `unique-id-header`: the request header that carries the unique id to the server.
    public var uniqueIDHeader: String?
    public init() {}
}

/// `balance` algorithm with its arguments.
public enum BalanceAlgorithm: Sendable, Hashable {
    case roundRobin
    case staticRoundRobin
    case leastConnections
    case first
    case source
    case uri(arguments: [String])
    case urlParameter(name: String, arguments: [String])
    case header(name: String, useDomainOnly: Bool)
    case random(draws: Int)
    /// `rdp-cookie[(NAME)]`: the RDP cookie NAME (`mstshash` by default) of a TCP connection, hashed.
    case rdpCookie(name: String)
    case other(keyword: String, arguments: [String])
}

/// `http-reuse`: which requests may be sent over an idle server connection that an earlier request,
/// possibly another client's, left open.
public enum HTTPReuseMode: String, Sendable, Hashable, CaseIterable {
    /// Never shared: a server connection serves only the client connection that opened it.
    case never
    /// A client connection's first request gets a connection of its own (the client may not retry
    /// it if the server closes an idle connection under it); later requests may use any idle one.
    case safe
    /// A first request may use an idle connection that already carried several requests (the server
    /// keeps connections alive); later requests any idle one.
    case aggressive
    /// Any request may use any idle connection.
    case always
}

/// `option httpchk` / `http-check` settings of a backend.
public struct HealthCheckSettings: Sendable, Hashable {
    public var httpCheck: Bool = false
    public var method: String = "OPTIONS"
    public var uri: String = "/"
    public var version: String = "HTTP/1.0"
    public var headers: [String] = []
    /// `http-check expect` as written, e.g. `["status", "200-399"]`; empty means 2xx and 3xx pass.
    public var expect: [String] = []
    /// `http-check send ... body TEXT`.
    public var body: String?
    /// `option tcp-check` or a protocol check; nil for a connect check or `option httpchk`.
    public var protocolCheck: ProtocolCheck?
    /// The `tcp-check` lines in order, run under `option tcp-check`.
    public var tcpCheckRules: [TCPCheckRule] = []
    public init() {}
}

/// `stats ...` settings.
public struct StatsSettings: Sendable {
    public var enabled: Bool = false
    public var uri: String = "/haproxy?stats"
    public var realm: String = "HAProxy Statistics"
    /// `stats auth user:password` pairs in order.
    public var credentials: [(user: String, password: String)] = []
    /// `stats refresh`, in milliseconds.
    public var refresh: Int?
    public var hideVersion: Bool = false
    public var showLegends: Bool = false
    public var adminCondition: Condition?
    public var scopes: [String] = []
    public init() {}
}
