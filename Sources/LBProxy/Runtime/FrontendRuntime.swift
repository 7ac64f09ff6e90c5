import Atomics
import LBConfig
import LBCore
import LBLog

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
    /// Connections closed by `tcp-request connection reject` (`dcon`) and by `tcp-request session
    /// reject` (`dses`); neither becomes a session nor is logged.
    let deniedConnections = ManagedAtomic<Int>(0)
    let deniedSessions = ManagedAtomic<Int>(0)
    /// Requests lb answered itself (`intercepted`): the monitor URI, the stats page, `use-service`,
    /// `http-request return`, `redirect` and `auth`.
    let interceptedRequests = ManagedAtomic<Int>(0)
    /// Responses refused by `http-response deny`.
    let deniedResponses = ManagedAtomic<Int>(0)
    let bytesIn = ManagedAtomic<Int>(0)
    let bytesOut = ManagedAtomic<Int>(0)
    /// `disable frontend`: its listening sockets are closed and its monitor URI fails until `enable frontend`.
    let paused = ManagedAtomic(false)
    /// An `enable frontend` is binding the listening sockets again.
    let resuming = ManagedAtomic(false)
    /// HTTP responses by status class, for the stats.
    let responses = ResponseCounters()
    /// TLS handshakes on the frontend's `ssl` binds.
    let tls = TLSCounters()
    /// The timeouts every connection of this frontend reads, shared.
    let exchangePolicy: ExchangePolicy
    /// When the runtime was built (monotonic), the process start time the stats report.
    let createdAt = monotonicNow()
    /// `unique-id-format` (nil when the frontend has none).
    let uniqueID: UniqueIDGenerator?
    /// Requests get a process-wide number (`%rt`): the unique id or the log format prints it.
    let countsRequests: Bool

    /// TLS termination of each bind line (nil for a plain one), in `plan.binds` order.
    let terminators: [TLSTerminator?]

    init(plan: FrontendPlan, index: Int, processMaxConnections: Int, uniqueID: UniqueIDGenerator? = nil,
         terminators: [TLSTerminator?] = []) {
        self.plan = plan
        self.terminators = terminators
        self.exchangePolicy = ExchangePolicy(timeouts: plan.timeouts)
        self.index = index
        self.maxConnections = plan.maxConnections ?? processMaxConnections
        self.uniqueID = uniqueID
        var countsRequests = uniqueID?.usesRequestCounter ?? false
        if case .custom(let text) = plan.logging.format, let format = try? LogFormat(text), format.uses(.requestCounter) {
            countsRequests = true
        }
        self.countsRequests = countsRequests
    }
}

/// Settings of the HTTP engine derived once from the global section.
struct HTTPLimits: Sendable {
    var maxHeadSize: Int
    var maxHeaders: Int
}
