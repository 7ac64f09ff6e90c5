/// `retry-on`: which failures of an attempt make lb try again (within `retries`). HAProxy's default is
/// `conn-failure` alone. Everything but connection failures needs the request to be replayable: lb
/// retries those only for requests without a body, since it does not keep a body it already forwarded.
public struct RetryConditions: Sendable, Hashable {
    /// The connection to the server could not be established (refused, timed out).
    public var connectionFailure = true
    /// The server closed the connection without sending a byte of response.
    public var emptyResponse = false
    /// The server sent something that is not a valid HTTP response head.
    public var junkResponse = false
    /// `timeout server` expired before any response byte arrived.
    public var responseTimeout = false
    /// TLS early data rejected: lb does not send early data, so this never triggers; kept so configs load.
    public var zeroRTTRejected = false
    /// Final statuses that are retried (401, 403, 404, 408, 425, 500, 501, 502, 503, 504).
    public var statuses: Set<Int> = []

    public init() {}

    /// The statuses `retry-on` accepts.
    public static let retryableStatuses: Set<Int> = [401, 403, 404, 408, 425, 500, 501, 502, 503, 504]

    /// True when some condition needs the response side (a layer-7 retry).
    public var needsReplay: Bool { emptyResponse || junkResponse || responseTimeout || !statuses.isEmpty }

    /// Applies one `retry-on` keyword; false when it is unknown.
    public mutating func add(_ keyword: String) -> Bool {
        switch keyword {
        case "none": self = RetryConditions(); connectionFailure = false
        case "conn-failure": connectionFailure = true
        case "empty-response": emptyResponse = true
        case "junk-response": junkResponse = true
        case "response-timeout": responseTimeout = true
        case "0rtt-rejected": zeroRTTRejected = true
        case "all-retryable-errors":
            connectionFailure = true; emptyResponse = true; junkResponse = true; responseTimeout = true
            zeroRTTRejected = true
            statuses.formUnion([500, 502, 503, 504])
        default:
            guard let status = Int(keyword), Self.retryableStatuses.contains(status) else { return false }
            statuses.insert(status)
        }
        return true
    }
}
