/// What a response head means for the exchange.
public enum ResponseHeadStep: Sendable, Hashable {
    /// An interim answer (1xx other than an accepted 101): relay it and wait for the final one.
    case interim
    /// The server accepted the protocol switch: relay the head, then bytes both ways (a tunnel).
    case switchProtocols
    /// The final response: relay its head and body.
    case relay
    /// `retry-on` names this status: drop the answer and carry out the retry.
    case retry(ExchangeAction)
}
