import Atomics
import LBConfig
import LBCore

/// One frontend's plan plus its live counters, shared by every event loop.
final class FrontendRuntime: Sendable {
    let plan: FrontendPlan
    let index: Int
    /// The frontend's limit, or the process limit when it sets none.
    let maxConnections: Int
    let currentConnections = ManagedAtomic<Int>(0)
    let totalConnections = ManagedAtomic<Int>(0)
    let totalRequests = ManagedAtomic<Int>(0)
    let requestErrors = ManagedAtomic<Int>(0)
    let deniedRequests = ManagedAtomic<Int>(0)
    /// Responses refused by `http-response deny`.
    let deniedResponses = ManagedAtomic<Int>(0)
    let bytesIn = ManagedAtomic<Int>(0)
    let bytesOut = ManagedAtomic<Int>(0)
    /// HTTP responses by status class, for the stats.
    let responses = ResponseCounters()
    /// When the runtime was built (monotonic), the process start time the stats report.
    let createdAt = monotonicNow()

    init(plan: FrontendPlan, index: Int, processMaxConnections: Int) {
        self.plan = plan
        self.index = index
        self.maxConnections = plan.maxConnections ?? processMaxConnections
    }
}

/// Settings of the HTTP engine derived once from the global section.
struct HTTPLimits: Sendable {
    var maxHeadSize: Int
    var maxHeaders: Int
}

extension Timeouts {
    /// `timeout http-request`, else `timeout client`: how long a request head may take to arrive.
    var requestHead: Int? { httpRequest ?? client }
    /// `timeout http-keep-alive`, else `timeout http-request`, else `timeout client`: idle time between
    /// requests on a kept-alive client connection.
    var keepAliveIdle: Int? { httpKeepAlive ?? httpRequest ?? client }
    /// `timeout tunnel`, else the larger of client and server.
    var tunnelIdle: Int? { tunnel ?? [client, server].compactMap { $0 }.max() }
}
