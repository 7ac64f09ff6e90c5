import LBCore
import NIOCore

/// The rules that refuse a request without a normal answer: `tarpit` and `reject`.
extension HTTPSession {
    /// Holds the request for `timeout tarpit`, then answers the rule's status (the machine's tarpit
    /// timeout).
    func tarpit(status: Int) {
        machine.holdInTarpit(status: status, now: monotonicNow())
        followDeadline()
    }

    /// Closes the connection without a word; the request is logged with PR and no status (-1).
    func reject() {
        let termination = machine.rejected()
        logRequest(status: -1, termination)
        cancelTimer()
        closeClient()
    }
}
