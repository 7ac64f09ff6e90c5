import LBConfig
import LBCore
import NIOCore

/// The messages of one request/response exchange of an HTTP session, and the server it holds. How far
/// the exchange got, and what happens next, is the session's `ExchangeMachine`'s.
final class HTTPExchange {
    var request: ParsedRequest
    let backend: BackendRuntime
    /// The request head as it goes to the server, kept whole so a failed attempt can send it again.
    let upstreamHead: ByteBuffer
    var requestBody: BodyTracker

    var serverIndex: Int?
    /// The server counts this exchange in its active connections.
    var holdsServerSlot = false
    /// The server this request waits for in particular (counted in its `waiting`), if any.
    var waitingForServer: Int?
    var persistence = PersistenceFacts()

    /// Response bytes received before the head was complete.
    var responseBuffer: ByteBuffer?
    /// The final (or 101) response's status once its head has been relayed; nil before.
    var responseStatus: Int?
    var responseBody = BodyTracker(.none)

    private let live: LiveObjects

    init(request: ParsedRequest, backend: BackendRuntime, upstreamHead: ByteBuffer, live: LiveObjects) {
        self.live = live
        live.created(.exchange)
        self.request = request
        self.backend = backend
        self.upstreamHead = upstreamHead
        self.requestBody = BodyTracker(request.framing)
    }

    deinit { live.released(.exchange) }

    var isHEAD: Bool { request.head.method == "HEAD" }
    var isCONNECT: Bool { request.head.method == "CONNECT" }
}
