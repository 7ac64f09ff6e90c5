import LBCore
import NIOCore

/// The rules that refuse a request without a normal answer: `tarpit` and `reject`.
extension HTTPSession {
    /// Holds the request for `timeout tarpit` (HAProxy falls back on `timeout connect`), then answers the
    /// rule's status. The delay is the point: an abusive client waits instead of retrying at once.
    func tarpit(status: Int) {
        machine.holdInTarpit()
        timer.cancel()
        let delay = frontend.plan.timeouts.tarpit ?? frontend.plan.timeouts.connect ?? 0
        tarpitTask = loop.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(delay))) { [weak self] in
            guard let self, self.context != nil else { return }
            self.tarpitTask = nil
            self.perform(self.machine.tarpitOver(status: status))
        }
    }

    /// Closes the connection without a word; the request is logged with PR and no status (-1).
    func reject() {
        let termination = machine.rejected()
        logRequest(status: -1, termination)
        timer.cancel()
        context?.close(promise: nil)
    }
}
