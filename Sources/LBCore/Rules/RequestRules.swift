import LBConfig

/// The outcome of running a proxy's `http-request` rules on one request.
public enum RequestVerdict: Sendable, Hashable {
    /// Go on: the head may have been rewritten.
    case proceed
    /// Answer locally with this status and the proxy's built-in error page (`deny`).
    case deny(status: Int)
    /// Answer locally with this response (`return`, `redirect`).
    case respond(LocalResponse)
    /// `http-request auth`: answer 401 with this realm.
    case authenticate(realm: String)
    /// `use-service NAME` (e.g. `prometheus-exporter`).
    case useService(String)
}

/// A response the proxy writes itself.
public struct LocalResponse: Sendable, Hashable {
    public var status: Int
    public var headers: HTTPHeaderFields
    public var body: [UInt8]
    public init(status: Int, headers: HTTPHeaderFields = HTTPHeaderFields(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Compiled `http-request` rules plus backend selection for one proxy. Immutable and shareable across loops.
public struct RequestRules: Sendable {
    // Filled by the compiler: compiled rules, use_backend rules and the default backend index.
    public init() {}

    /// Runs the `http-request` rules in order on `head`, rewriting it in place, and stops at the first
    /// final verdict (deny, return, redirect, auth, use-service).
    public func apply(to head: inout HTTPRequestHead, connection: ConnectionInfo) -> RequestVerdict {
        fatalError("not yet written")
    }

    /// The backend index chosen by `use_backend` rules (first match) or `default_backend`; nil when neither
    /// applies (the request then gets a 503).
    public func selectBackend(for head: HTTPRequestHead, connection: ConnectionInfo) -> Int? {
        fatalError("not yet written")
    }

    /// For TCP-mode frontends: `use_backend`/`default_backend` with only layer-4 fetches available.
    public func selectBackend(connection: ConnectionInfo) -> Int? {
        fatalError("not yet written")
    }
}
