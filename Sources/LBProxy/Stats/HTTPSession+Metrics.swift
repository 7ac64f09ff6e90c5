import LBCore

/// Per-request statistics, updated once per finished request from the same instants the access log
/// uses: status classes for the frontend, the backend and the server, request counts, and the latency
/// histograms. Integers and relaxed atomics only (hot-path rule).
extension HTTPSession {
    func recordRequestMetrics(status: Int, end: UInt64) {
        let answered = status > 0
        if answered { frontend.responses.record(status: status) }
        guard let current = exchange else { return }
        let (total, connect, response) = machine.timings.histogramSamples(end: end)
        Self.record(current.backend.metrics, status: answered ? status : nil, total: total, connect: connect, response: response)
        if let index = current.serverIndex, machine.timings.serverChosen != 0 {
            Self.record(current.backend.servers[index].metrics, status: answered ? status : nil,
                        total: total, connect: connect, response: response)
        }
    }

    @inline(__always)
    private static func record(_ metrics: RequestMetrics, status: Int?, total: Int, connect: Int?, response: Int?) {
        metrics.requests.wrappingIncrement(ordering: .relaxed)
        if let status { metrics.responses.record(status: status) }
        metrics.latency.total.observe(microseconds: total)
        if let connect { metrics.latency.connect.observe(microseconds: connect) }
        if let response { metrics.latency.response.observe(microseconds: response) }
    }
}
