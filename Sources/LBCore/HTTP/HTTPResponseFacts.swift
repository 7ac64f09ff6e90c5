/// The parts of a server's response that `http-response` rules read and rewrite: the status and the
/// end-to-end header fields (hop-by-hop fields are lb's business and never reach the rules).
public struct HTTPResponseFacts: Sendable, Hashable {
    public var status: Int
    public var headers: HTTPHeaderFields

    public init(status: Int, headers: HTTPHeaderFields) {
        self.status = status
        self.headers = headers
    }
}
