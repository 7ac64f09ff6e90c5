import LBConfig

/// The life of a client connection's exchanges as a pure state machine: events in (bytes of a request
/// arrived, a server was chosen, the connect failed, a timer ran out...), actions out (answer with an
/// error, retry, redispatch, finish...). It holds no I/O and no clock: every event carries the instant it
/// happened (monotonic nanoseconds), so a test clock drives it exactly as the event loop does.
///
/// One machine serves a connection's successive requests: between them it waits under
/// `timeout http-keep-alive`. The protocol handler (HTTP/1 today) turns bytes into these events and
/// carries the actions out in its framing; routing, retries, timeouts and how an exchange ended are
/// decided here, once for every protocol.
public struct ExchangeMachine: Sendable {
    public enum State: Sendable, Hashable {
        /// Between requests (or before the first): nothing of a request received yet.
        case idle
        /// Part of a request head arrived.
        case readingHead
        /// The head is complete: rules run, a backend is chosen, or lb answers itself.
        case routing
        /// Waiting in a backend queue for a server slot.
        case queued
        /// A server was chosen; a connection to it is being opened (or a retry is pending).
        case connecting
        /// The request is being sent and the response relayed.
        case exchanging
        /// After a protocol switch (101): bytes flow both ways unchanged.
        case tunnel
        /// The connection is closing; nothing more is taken.
        case closing
    }

    /// How long a keep-alive connection must have been idle before a stop closes it. A client that sends
    /// its next request as soon as it has the previous answer (wrk, a busy connection pool) does so within
    /// a round trip; closing the connection in that window would lose a request the client already sent.
    /// A connection quiet for this long belongs to a client that parked it; closing it then is what every
    /// HTTP client must expect of an idle keep-alive connection.
    public static let drainQuietPeriod: UInt64 = 1_000_000_000

    public internal(set) var state = State.idle
    public internal(set) var deadline = ExchangeDeadline()
    /// The instants of the request being read or served (the idle time before it included).
    public internal(set) var timings: ExchangeTimings
    public let acceptedAt: UInt64
    /// The frontend's timeouts (`http-request`, `http-keep-alive`, `client`, `tunnel`), shared.
    let frontend: ExchangePolicy
    var timeouts: Timeouts { frontend.timeouts }
    public internal(set) var requestsServed = 0
    /// The client closed its sending side.
    public internal(set) var clientInputClosed = false
    /// A stop is under way: no request after the current one.
    public internal(set) var draining = false
    /// Counts every connect and hand-over to a server on this connection, so that the completion of an
    /// abandoned one is recognised and dropped.
    public internal(set) var attempt = 0
    /// The exchange in flight, from its routing to its end.
    public internal(set) var progress: ExchangeProgress?

    /// The exchange in flight may hand its server connection back for reuse: the server keeps it open,
    /// the whole request went out and the server sent nothing beyond its response.
    public var serverConnectionReusable: Bool {
        progress?.reuseServer == true && progress?.requestBodyComplete == true && progress?.serverOverran == false
    }

    /// Bytes of the current exchange, both ways, heads included.
    public var bytesIn: Int64 = 0
    public var bytesOut: Int64 = 0
    /// The exchange's record already left (`option logasap`): one record per request.
    public var recordSent = false
    /// The status a tarpitted request is answered with when `timeout tarpit` runs out.
    public internal(set) var tarpitStatus = 500

    /// A connection accepted at `acceptedAt`: its first request must arrive within `timeout http-request`,
    /// counted from the accept.
    public init(acceptedAt: UInt64, frontend: ExchangePolicy) {
        self.acceptedAt = acceptedAt
        self.frontend = frontend
        self.timings = ExchangeTimings(idleSince: acceptedAt)
        deadline.set(.requestHead, milliseconds: frontend.timeouts.requestHead, now: acceptedAt)
    }

    /// A machine with its own copy of the frontend's timeouts (tests; the data plane shares one policy
    /// per frontend).
    public init(acceptedAt: UInt64, timeouts: Timeouts) {
        self.init(acceptedAt: acceptedAt, frontend: ExchangePolicy(timeouts: timeouts))
    }

    /// Ends the connection's life: nothing runs any more.
    mutating func close() {
        state = .closing
        deadline.pause()
    }

    /// The connection's TLS handshake completed at `instant`, `duration` after the accept. The first
    /// request reports it as Th, and its idle time (Ti) counts from the end of the handshake.
    public mutating func handshakeCompleted(at instant: UInt64, duration: UInt64) {
        guard timings.requestStart == 0 else { return }
        timings.idleSince = instant
        timings.handshake = duration
    }

    /// The record of the exchange left at `end`: the next one starts counting from there.
    public mutating func exchangeLogged(end: UInt64) {
        timings = ExchangeTimings(idleSince: end)
        bytesIn = 0
        bytesOut = 0
        recordSent = false
    }

    /// The exchange was answered (and logged). With `keep`, the connection waits for the next request
    /// under `timeout http-keep-alive`; otherwise it closes.
    public mutating func exchangeEnded(now: UInt64, keep: Bool) {
        progress = nil
        guard keep else {
            close()
            return
        }
        requestsServed += 1
        state = .idle
        deadline.set(.keepAlive, milliseconds: timeouts.keepAliveIdle, now: now)
    }

    // MARK: Graceful stop

    public enum QuietCheck: Sendable, Hashable {
        /// Not idle (or not draining): the exchange in progress ends the connection.
        case notIdle
        case closeNow
        case checkAgain(at: UInt64)
    }

    /// A stop began: the request in progress (or the next one, if it comes before the connection is
    /// quiet) is the last.
    public mutating func drain() {
        draining = true
    }

    /// While draining: whether an idle connection has been quiet long enough to close.
    public func quietCheck(now: UInt64) -> QuietCheck {
        guard draining, state == .idle else { return .notIdle }
        let quietAt = timings.idleSince &+ Self.drainQuietPeriod
        return now >= quietAt ? .closeNow : .checkAgain(at: quietAt)
    }

    /// Whether an answer lb makes itself leaves the connection open: the request had no body (nothing is
    /// left to skip) and neither the client, a stop nor the frontend's mode asks to close.
    public func keepsAfterLocalAnswer(requestBodyless: Bool, clientWantsClose: Bool, frontendCloses: Bool) -> Bool {
        requestBodyless && !clientWantsClose && !draining && !clientInputClosed && !frontendCloses
    }

    /// Whether a finished exchange leaves the client connection open.
    public var finishKeepsClient: Bool {
        guard let progress else { return false }
        return progress.keepClient && progress.requestBodyComplete && !clientInputClosed
    }
}
