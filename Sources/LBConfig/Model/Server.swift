/// A `server NAME ADDRESS[:PORT] [options...]` line.
public struct ServerDeclaration: Sendable, Hashable {
    public var name: String
    /// Host as written: an IPv4 or IPv6 literal or a hostname.
    public var host: String
    /// nil when the line gives no port (the client's destination port is then used).
    public var port: Int?
    public var weight: Int = 1
    public var maxConnections: Int?
    public var maxQueue: Int?
    public var backup: Bool = false
    public var disabled: Bool = false
    public var check: Bool = false
    /// Check interval in milliseconds (default 2000).
    public var checkInterval: Int = 2000
    public var fastInterval: Int?
    public var downInterval: Int?
    public var rise: Int = 2
    public var fall: Int = 3
    public var checkPort: Int?
    public var checkAddress: String?
    public var cookie: String?
    /// `pool-max-conn`: the most idle connections kept for reuse (-1, the default: no limit).
    public var poolMaxConnections: Int = -1
    /// `pool-purge-delay` in milliseconds (default 5 s).
    public var poolPurgeDelay: Int = 5000
    /// `ssl`, `verify`, `ca-file`, `sni`, `check-ssl`...: TLS towards the server and its checks.
    public var tls = ServerTLS()
    /// `observe`, `error-limit`, `on-error`, `on-marked-down`, `on-marked-up`.
    public var observation = TrafficObservation()
    /// `agent-check` and the `agent-*` settings.
    public var agent = AgentCheckSettings()
    /// `send-proxy` / `send-proxy-v2`: the PROXY header written first on each connection (nil: none).
    public var sendProxy: ProxyProtocolVersion?
    /// `check-send-proxy`: health checks start with a PROXY header even when `port` or `addr` is set.
    public var checkSendProxy = false
    /// Options written on the line that no field above captures, kept for later features.
    public var otherOptions: [String] = []
    public var location: SourceLocation

    public init(name: String, host: String, port: Int?, location: SourceLocation) {
        self.name = name
        self.host = host
        self.port = port
        self.location = location
    }
}
