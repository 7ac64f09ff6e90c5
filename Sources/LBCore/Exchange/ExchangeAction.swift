/// What the connection handler must do after an event of the exchange's state machine. The machine
/// decides; the handler only carries out, in its protocol's framing.
public enum ExchangeAction: Sendable, Hashable {
    /// Nothing to do.
    case none
    /// Answer with lb's error page for `status`, end the exchange with `termination`, and close the
    /// connection once the answer has left. Any server connection, queue place or server slot is given up.
    case answerError(status: Int, Termination)
    /// Close the client connection without a word: no exchange is in flight.
    case close
    /// Cut both sides at once, ending the exchange in flight (if any) with `termination`.
    case abort(Termination)
    /// The client connection is gone: end the exchange in flight with `status` (-1: none was sent) and
    /// `termination`, and let everything go.
    case clientGone(status: Int, Termination)
    /// Retry the same server after this many milliseconds (the retry is counted).
    case retrySameServer(afterMilliseconds: Int)
    /// Give up the failed server and pick another one now. The redispatch is counted on the server, and
    /// the retry too when it used one (`countsRetry`; a server the checks took out during a retry's pause
    /// is left without using another).
    case redispatch(countsRetry: Bool)
    /// Connect to the same server again, at once: a pooled connection the server had closed (not a retry).
    case reconnect
    /// The exchange is complete: end it normally, park or close the server connection, then keep the
    /// client connection (`ExchangeMachine.keepClient`) or close it.
    case finish
    /// Tunnel: pass the server's end of stream on to the client.
    case forwardServerEnd
    /// Tunnel: pass the client's end of stream on to the server.
    case forwardClientEnd
    /// Tunnel: the server closed; end the exchange normally and close the client after the flush.
    case endTunnel
    /// `tcp-request inspect-delay` ran out: decide the content rules on what arrived.
    case inspectionOver
}
