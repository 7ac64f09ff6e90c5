import LBConfig

/// What the routing of one request decided that the exchange's state machine needs: the backend's
/// timeouts and retry rules (shared, by reference), the connection mode, and the request's own framing
/// facts.
public struct ExchangeRoute: Sendable {
    public let policy: ExchangePolicy
    /// The frontend and backend modes combined (`HTTPConnectionMode.effective`).
    public var mode: HTTPConnectionMode
    /// The request has no body (or an empty one): nothing is left to send after its head.
    public var requestBodyless: Bool
    /// The client asked to close after this exchange.
    public var clientWantsClose: Bool
    /// The request asks for a protocol switch (`Connection: upgrade`).
    public var wantsUpgrade: Bool
    /// A byte stream from the start (TCP mode): once connected it is a tunnel, and its phases are the
    /// connect and the data (no request or response head).
    public var isStream = false

    public init(policy: ExchangePolicy, mode: HTTPConnectionMode, requestBodyless: Bool, clientWantsClose: Bool,
                wantsUpgrade: Bool) {
        self.policy = policy
        self.mode = mode
        self.requestBodyless = requestBodyless
        self.clientWantsClose = clientWantsClose
        self.wantsUpgrade = wantsUpgrade
    }

    /// A TCP-mode session's route: bytes both ways, the connect retried as the backend says.
    public static func stream(_ policy: ExchangePolicy) -> ExchangeRoute {
        var route = ExchangeRoute(policy: policy, mode: .keepAlive, requestBodyless: false, clientWantsClose: false,
                                  wantsUpgrade: false)
        route.isStream = true
        return route
    }

    /// The backend's timeouts (`connect`, `server`, `queue`, `tunnel`).
    public var timeouts: Timeouts { policy.timeouts }
    public var retryPolicy: RetryPolicy { policy.retryPolicy }
    public var retryOn: RetryConditions { policy.retryOn }
}
