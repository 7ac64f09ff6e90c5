import LBConfig

/// What one exchange with a server showed, as traffic-based health (`observe`) sees it.
public enum TrafficOutcome: Sendable, Hashable {
    /// The connection to the server was established.
    case connected
    /// The connection failed: refused, reset, unreachable or timed out.
    case connectFailed
    /// A response head arrived with this status.
    case response(status: Int)
    /// The response head could not be parsed.
    case invalidResponse
    /// The server closed before its response head.
    case closedBeforeResponse
    /// The server stayed silent past `timeout server` before its response head.
    case responseTimeout

    /// Whether the outcome counts for `layer`: true for an error, false for a success that resets the
    /// count, nil when that layer ignores it. Layer 4 looks at connections only; layer 7 at responses and
    /// at failed connections (an established connection says nothing about the responses to come).
    @inline(__always)
    public func isError(observing layer: TrafficObservation.Layer) -> Bool? {
        switch self {
        case .connected: return layer == .layer4 ? false : nil
        case .connectFailed: return true
        case .response(let status):
            guard layer == .layer7 else { return nil }
            return !(status >= 100 && (status < 500 || status == 501 || status == 505))
        case .invalidResponse, .closedBeforeResponse, .responseTimeout:
            return layer == .layer7 ? true : nil
        }
    }

    /// HAProxy's words for it, quoted in the state-change message ("last one was: ...").
    public var description: String {
        switch self {
        case .connected: "L4 successful connection"
        case .connectFailed: "L4 unsuccessful connection"
        case .response:
            isError(observing: .layer7) == true ? "Wrong http response" : "Correct http response"
        case .invalidResponse: "Invalid http response (headers)"
        case .closedBeforeResponse: "Close from server (http)"
        case .responseTimeout: "Read timeout (http)"
        }
    }
}
