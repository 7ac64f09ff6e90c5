extension LogRecord {
    /// The owning, typed record of a parsed entry. Fields a log line does not carry (frontend address,
    /// Th, Ti, bytes from the client) keep `LogRecord`'s defaults; the date goes to the request date for
    /// HTTP and the accept date for TCP, as the formats print them.
    public init(_ e: LogEntry) {
        let (address, port) = e.clientPort >= 0 ? (e.client.string, Int(e.clientPort)) : Self.splitAddress(e.client.string)
        var frontend = e.frontend.string
        var tls = false
        if frontend.hasSuffix("~") { frontend.removeLast(); tls = true }
        func captures(_ present: Bool, _ slice: ByteSlice) -> [String]? {
            present ? slice.string.split(separator: "|", omittingEmptySubsequences: false).map(String.init) : nil
        }
        func cookie(_ s: ByteSlice) -> String? { s.isEmpty || s.equals("-") ? nil : s.string }
        let isHTTP = e.kind == .http
        let counts = e.counts
        self.init(
            clientAddress: address, clientPort: port,
            acceptDateMilliseconds: isHTTP ? 0 : e.dateMilliseconds,
            requestDateMilliseconds: isHTTP ? e.dateMilliseconds : 0,
            frontend: frontend, frontendIsTLS: tls, backend: e.backend.string, server: e.server.string,
            timeRequest: Int(e.timeRequest), timeQueue: Int(e.timeQueue), timeConnect: Int(e.timeConnect),
            timeResponse: Int(e.timeResponse), timeActive: isHTTP ? Int(e.timeActive) : 0,
            timeTotal: Int(e.timeActive),
            status: Int(e.status), bytesToClient: e.bytesRead,
            capturedRequestCookie: cookie(e.requestCookie), capturedResponseCookie: cookie(e.responseCookie),
            terminationState: e.terminationString,
            activeConnections: Int(counts.active), frontendConnections: Int(counts.frontend),
            backendConnections: Int(counts.backend), serverConnections: Int(counts.server),
            retries: Int(counts.retries), redispatched: counts.redispatched,
            serverQueue: Int(counts.serverQueue), backendQueue: Int(counts.backendQueue),
            capturedRequestHeaders: captures(e.hasRequestCaptures, e.requestCaptures),
            capturedResponseHeaders: captures(e.hasResponseCaptures, e.responseCaptures),
            requestLine: isHTTP && !e.isBadRequest && !e.requestLine.isEmpty ? e.requestLine.string : nil,
            method: e.method.isEmpty ? nil : e.method.string,
            uri: e.uri.isEmpty ? nil : e.uri.string,
            httpVersion: e.httpVersion.isEmpty ? nil : e.httpVersion.string,
            isHTTP: isHTTP
        )
    }

    /// `1.2.3.4:5678` or `::1:5678` (the port is after the last colon); `unix:1` has no numeric address.
    static func splitAddress(_ text: String) -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else {
            return (text, 0)
        }
        return (String(text[..<colon]), port)
    }
}
