import LBConfig

extension Timeouts {
    /// `timeout http-request`, else `timeout client`: how long a request head may take to arrive.
    public var requestHead: Int? { httpRequest ?? client }
    /// `timeout http-keep-alive`, else `timeout http-request`, else `timeout client`: idle time between
    /// requests on a kept-alive client connection.
    public var keepAliveIdle: Int? { httpKeepAlive ?? httpRequest ?? client }
    /// `timeout tunnel`, else the larger of client and server.
    public var tunnelIdle: Int? { tunnel ?? [client, server].compactMap { $0 }.max() }
    /// `timeout connect`, else 10 s: a connect must end some time even when the configuration sets none.
    public var connectOrDefault: Int { connect ?? 10_000 }
    /// `timeout queue`, else `timeout connect` (HAProxy's fallback), else 10 s.
    public var queueOrConnect: Int { queue ?? connect ?? 10_000 }
}
