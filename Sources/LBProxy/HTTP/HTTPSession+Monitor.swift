import LBCore
import NIOCore

/// `monitor-uri`: the health URI a keepalived `vrrp_script` or an upstream balancer asks. lb answers it
/// itself, before any `http-request` rule, whatever the servers' state, and does not log it (as HAProxy).
/// It answers 503 while a `monitor fail` condition holds, once a stop began, and (on connections opened
/// before) while the frontend is disabled, so that whatever watches it moves traffic away before lb goes.
extension HTTPSession {
    static let monitorReadyPage = Array("<html><body><h1>200 OK</h1>\nService ready.\n</body></html>\n".utf8)

    /// Answers the request if it asks for the frontend's monitor URI; false otherwise.
    func answerMonitorRequest(_ parsed: ParsedRequest) -> Bool {
        guard let uri = frontend.plan.monitorURI, MonitorURI.matches(target: parsed.head.uri, monitorURI: uri) else { return false }
        frontend.interceptedRequests.wrappingIncrement(ordering: .relaxed)
        let failing = machine.draining || loop.stopping || runtime.stopAnnounced.load(ordering: .relaxed)
            || frontend.paused.load(ordering: .relaxed)
            || frontend.plan.monitorFail.contains { $0.matches(parsed.head, connection: connectionInfo, serverCounts: runtime) }
        var response = LocalResponse(status: failing ? 503 : 200)
        response.headers.add("cache-control", "no-cache")
        response.headers.add("content-type", "text/html")
        response.body = failing ? ErrorPages.body(for: 503) : Self.monitorReadyPage
        let keep = machine.keepsAfterLocalAnswer(requestBodyless: parsed.framing == .none, clientWantsClose: parsed.clientWantsClose,
                                                 frontendCloses: frontend.plan.connectionMode == .close)
        var buffer = context.channel.allocator.buffer(capacity: 256 + response.body.count)
        let connectionValue: String? = keep ? (parsed.head.version == .http1_0 ? "keep-alive" : nil) : "close"
        ErrorPages.serialize(response, connection: connectionValue, headOnly: parsed.head.method == "HEAD", into: &buffer)
        writeToClient(buffer)
        // Not logged: the exchange ends here without a record.
        machine.exchangeLogged(end: monotonicNow())
        record = RequestRecordFacts()
        if keep {
            context.flush()
            finishClientSide()
        } else {
            machine.exchangeEnded(now: monotonicNow(), keep: false)
            closeAfterFlush()
        }
        return true
    }
}

extension ProxyRuntime: UsableServerCounts {
    func usableServers(inBackend backendIndex: Int) -> Int {
        backendIndex < backends.count ? backends[backendIndex].usableServerCount : 0
    }
}
