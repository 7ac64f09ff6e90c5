import LBCore
import NIOCore

extension HTTPSession {
    /// True when `http-response` rules may act on this exchange's response.
    func hasResponseRules(_ exchange: HTTPExchange) -> Bool {
        !exchange.backend.plan.responseRules.isEmpty || !frontend.plan.responseRules.isEmpty
    }

    /// Runs the backend's `http-response` rules, then the frontend's (HAProxy's order), on the response's
    /// end-to-end fields. Returns the fields to send, or nil when a rule denied the response: the client
    /// then has its error answer and the server connection is closed.
    func applyResponseRules(_ response: ParsedResponse, in buffer: ByteBuffer, exchange: HTTPExchange) -> HTTPHeaderFields? {
        var facts = HTTPResponseFacts(status: response.status, headers: ClientResponseWriter.endToEndFields(response, from: buffer))
        // Trackers `http-response track-scN` starts belong to this request, as those of `http-request` rules.
        let trackers = stickTrackers
        trackers?.inRequest = true
        defer { trackers?.inRequest = false }
        for rules in [exchange.backend.plan.responseRules, frontend.plan.responseRules] where !rules.isEmpty {
            if case .deny(let status) = rules.apply(to: &facts, request: exchange.request.head, connection: connectionInfo,
                                                   uniqueID: record.uniqueID, stickCounters: trackers) {
                frontend.deniedResponses.wrappingIncrement(ordering: .relaxed)
                exchange.backend.deniedResponses.wrappingIncrement(ordering: .relaxed)
                perform(machine.responseDenied(status: status))
                return nil
            }
        }
        return facts.headers
    }

    /// `stick store-response`: remembers keys read from the response with the server that answered.
    func storeStickyFromResponse(_ response: ParsedResponse, in buffer: ByteBuffer, exchange: HTTPExchange) {
        let backend = exchange.backend
        guard let serverIndex = exchange.serverIndex, backend.plan.stickRules.contains(where: \.storesResponse) else { return }
        let facts = HTTPResponseFacts(status: response.status, headers: ClientResponseWriter.endToEndFields(response, from: buffer))
        runtime.storeSticky(runtime.stickKeysFromResponse(backend, request: exchange.request.head, response: facts,
                                                          connection: connectionInfo), server: serverIndex)
    }
}
