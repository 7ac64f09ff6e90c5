import LBConfig
import LBCore
import NIOCore

/// One request/response exchange of an HTTP session: what was asked, where it goes, and how far it got.
final class HTTPExchange {
    var request: ParsedRequest
    var backend: BackendRuntime
    var mode: HTTPConnectionMode
    /// The request head as it goes to the server, kept whole so a failed connect can send it again.
    var upstreamHead: ByteBuffer
    var requestBody: BodyTracker
    /// Some request body bytes already went to a server (a resend is then impossible).
    var requestBodyStarted = false

    var serverIndex: Int?
    /// The server counts this exchange in its active connections.
    var holdsServerSlot = false
    /// The server the client's persistence cookie names (used instead of the balancer).
    var persistentServer: Int?
    /// Termination-state characters 3 and 4: the client's cookie, and what lb did with the response's.
    var cookieFlags: (UInt8, UInt8) = (UInt8(ascii: "-"), UInt8(ascii: "-"))
    /// The request cookie's last-seen and first-seen dates (Unix seconds), for refreshing them.
    var cookieDates: (last: Int?, first: Int?) = (nil, nil)
    /// Keys `stick on` / `stick store-request` remember once a server took the request.
    var stickKeys: [StickKey] = []
    /// Waiting in the backend queue for a server slot.
    var queued = false
    /// Requests that waited before this one when it was queued (the log's backend_queue).
    var queuePosition = 0
    /// The server this request waits for in particular (counted in its `waiting`), if any.
    var waitingForServer: Int?
    /// Retries done after failed connects (`retries`).
    var retriesDone = 0
    var redispatched = false
    var connectTimedOut = false
    /// The upstream connection came from the idle pool.
    var reusedConnection = false
    /// Guards completion callbacks of connects started for an earlier attempt.
    var attempt = 0

    /// Response bytes received before the head was complete.
    var responseBuffer: ByteBuffer?
    var response: ParsedResponse?
    var responseBody = BodyTracker(.none)
    var receivedResponseBytes = false
    /// Keep the client connection open after this exchange.
    var keepClient = true
    /// Return the server connection to the pool after this exchange.
    var reuseServer = false
    /// The server sent more than the framed response (its connection must not be reused).
    var serverOverran = false


    private let live: LiveObjects

    init(request: ParsedRequest, backend: BackendRuntime, mode: HTTPConnectionMode, upstreamHead: ByteBuffer, live: LiveObjects) {
        self.live = live
        live.created(.exchange)
        self.request = request
        self.backend = backend
        self.mode = mode
        self.upstreamHead = upstreamHead
        self.requestBody = BodyTracker(request.framing)
    }

    deinit { live.released(.exchange) }

    var isHEAD: Bool { request.head.method == "HEAD" }
    var isCONNECT: Bool { request.head.method == "CONNECT" }
}
