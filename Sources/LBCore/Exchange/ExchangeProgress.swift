/// How far the exchange in flight has got: the facts the state machine's decisions read, from the
/// routing of a request until its end. A new request starts from a fresh value.
public struct ExchangeProgress: Sendable {
    public let route: ExchangeRoute
    /// Retries used so far (`retries`), redispatches included.
    public internal(set) var retriesDone = 0
    /// The request left the server persistence or the balancer first chose (logged with `+`).
    public internal(set) var redispatched = false
    /// The current server came from persistence (a cookie, a stick table), not from the balancer.
    public internal(set) var persistent = false
    /// The request holds a place in its backend's queue (until the place is given up, even when the
    /// exchange ends while it waits).
    public internal(set) var inQueue = false
    /// Requests that waited before this one when it was queued (the log's backend_queue).
    public internal(set) var queuePosition = 0
    /// The server connection came from the idle pool.
    public internal(set) var reusedConnection = false
    public internal(set) var requestBodyComplete: Bool
    /// Some request body bytes already went to a server (sending the request again is then impossible).
    public internal(set) var requestBodyStarted = false
    /// The final response's status (101 for a protocol switch), once its head arrived.
    public internal(set) var responseStatus: Int?
    /// Some bytes of a response arrived.
    public internal(set) var receivedResponseBytes = false
    public internal(set) var responseComplete = false
    /// The response has no length: it ends when the server closes.
    public internal(set) var responseUntilClose = false
    /// The client connection stays open after this exchange.
    public internal(set) var keepClient = true
    /// The server connection goes back to the pool after this exchange.
    public internal(set) var reuseServer = false
    /// The server sent more than the framed response (its connection must not be reused).
    public internal(set) var serverOverran = false

    init(route: ExchangeRoute) {
        self.route = route
        self.requestBodyComplete = route.requestBodyless
    }

    /// Forgets the response of a failed attempt before the request goes out again.
    mutating func forgetResponse() {
        responseStatus = nil
        receivedResponseBytes = false
        responseComplete = false
        responseUntilClose = false
        reuseServer = false
    }
}
