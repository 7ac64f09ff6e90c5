/// One request (HTTP) or session (TCP) as it is logged: every field of HAProxy's httplog line, typed.
/// The data plane fills one per request; formatters render it (httplog, tcplog, CLF, JSON, log-format);
/// the reader parses lines back into it. Timers are milliseconds with HAProxy's meaning, -1 = the phase
/// never completed.
public struct LogRecord: Sendable, Hashable {
    /// Client address as text (`127.0.0.1`, `::1`) and port.
    public var clientAddress: String
    public var clientPort: Int
    /// Frontend address and port (`%fi`, `%fp`).
    public var frontendAddress: String
    public var frontendPort: Int
    /// Accept date (`%t`, tcplog) and request date (`%tr`, httplog): milliseconds since the Unix epoch.
    public var acceptDateMilliseconds: Int64
    public var requestDateMilliseconds: Int64
    /// Local time offset from UTC in seconds at the time of the record (dates print in local time).
    public var utcOffsetSeconds: Int

    public var frontend: String
    /// The frontend name as printed (`fe~` when the connection was TLS).
    public var frontendIsTLS: Bool
    public var backend: String
    /// Server name, or `<NOSRV>`, `<STATS>`, `<PROMEX>`.
    public var server: String
    public var serverAddress: String?
    public var serverPort: Int?

    /// TR, Tw, Tc, Tr, Ta (httplog) — and Th, Ti, Tt. -1 where the phase never completed.
    public var timeRequest: Int
    public var timeQueue: Int
    public var timeConnect: Int
    public var timeResponse: Int
    public var timeActive: Int
    public var timeHandshake: Int
    public var timeIdle: Int
    public var timeTotal: Int

    /// HTTP status (-1 when no status was produced, e.g. in TCP mode).
    public var status: Int
    /// Bytes sent to the client (headers included) and received from it.
    public var bytesToClient: Int64
    public var bytesFromClient: Int64
    /// Captured request and response cookies (`-` when none).
    public var capturedRequestCookie: String?
    public var capturedResponseCookie: String?
    /// The 4-character termination state (`--NI`, `SC--`, ...); TCP logs print the first two.
    public var terminationState: String

    /// actconn, feconn, beconn, srv_conn, retries.
    public var activeConnections: Int
    public var frontendConnections: Int
    public var backendConnections: Int
    public var serverConnections: Int
    public var retries: Int
    /// The request was redispatched to another server (prints `+` before retries).
    public var redispatched: Bool
    /// Queue positions (srv_queue, backend_queue).
    public var serverQueue: Int
    public var backendQueue: Int

    /// Captured request and response header values in declaration order (nil = no capture declared for
    /// that direction, so the `{...}` block is absent; an empty string = a declared capture with no value).
    public var capturedRequestHeaders: [String]?
    public var capturedResponseHeaders: [String]?

    /// The request line as received (`GET /x HTTP/1.1`), or nil for `<BADREQ>`; unset for TCP.
    public var requestLine: String?
    public var method: String?
    public var uri: String?
    public var httpVersion: String?

    /// `unique-id-format` value, when configured.
    public var uniqueID: String?
    /// What the client connection's TLS handshake established (nil on a plain connection): the protocol
    /// version (`%sslv`, `TLSv1.3`), the cipher in OpenSSL's naming (`%sslc`), the name the client asked
    /// for (SNI), and whether the session was resumed rather than negotiated in full.
    public var sslVersion: String?
    public var sslCipher: String?
    public var sslServerName: String?
    public var sslResumed: Bool
    /// HTTP (true) or TCP (false) record.
    public var isHTTP: Bool
    /// `%rt`: the process-wide number of this request (HAProxy's request counter), when the data plane
    /// keeps one; nil leaves `%rt` to ``LogRenderContext/requestCounter``.
    public var requestCounter: Int64?
    /// Logged with `option logasap`: the record may be sent before the end of the response, so Ta, Tt, Tu
    /// and the bytes to the client are the values so far and print with a leading `+`.
    public var logASAP: Bool

    public init(
        clientAddress: String = "-", clientPort: Int = 0, frontendAddress: String = "-", frontendPort: Int = 0,
        acceptDateMilliseconds: Int64 = 0, requestDateMilliseconds: Int64 = 0, utcOffsetSeconds: Int = 0,
        frontend: String = "-", frontendIsTLS: Bool = false, backend: String = "-", server: String = "<NOSRV>",
        serverAddress: String? = nil, serverPort: Int? = nil,
        timeRequest: Int = -1, timeQueue: Int = -1, timeConnect: Int = -1, timeResponse: Int = -1, timeActive: Int = 0,
        timeHandshake: Int = 0, timeIdle: Int = -1, timeTotal: Int = 0,
        status: Int = -1, bytesToClient: Int64 = 0, bytesFromClient: Int64 = 0,
        capturedRequestCookie: String? = nil, capturedResponseCookie: String? = nil, terminationState: String = "----",
        activeConnections: Int = 0, frontendConnections: Int = 0, backendConnections: Int = 0, serverConnections: Int = 0,
        retries: Int = 0, redispatched: Bool = false, serverQueue: Int = 0, backendQueue: Int = 0,
        capturedRequestHeaders: [String]? = nil, capturedResponseHeaders: [String]? = nil,
        requestLine: String? = nil, method: String? = nil, uri: String? = nil, httpVersion: String? = nil,
        uniqueID: String? = nil, sslVersion: String? = nil, sslCipher: String? = nil, sslServerName: String? = nil,
        sslResumed: Bool = false, isHTTP: Bool = true, requestCounter: Int64? = nil, logASAP: Bool = false
    ) {
        self.clientAddress = clientAddress
        self.clientPort = clientPort
        self.frontendAddress = frontendAddress
        self.frontendPort = frontendPort
        self.acceptDateMilliseconds = acceptDateMilliseconds
        self.requestDateMilliseconds = requestDateMilliseconds
        self.utcOffsetSeconds = utcOffsetSeconds
        self.frontend = frontend
        self.frontendIsTLS = frontendIsTLS
        self.backend = backend
        self.server = server
        self.serverAddress = serverAddress
        self.serverPort = serverPort
        self.timeRequest = timeRequest
        self.timeQueue = timeQueue
        self.timeConnect = timeConnect
        self.timeResponse = timeResponse
        self.timeActive = timeActive
        self.timeHandshake = timeHandshake
        self.timeIdle = timeIdle
        self.timeTotal = timeTotal
        self.status = status
        self.bytesToClient = bytesToClient
        self.bytesFromClient = bytesFromClient
        self.capturedRequestCookie = capturedRequestCookie
        self.capturedResponseCookie = capturedResponseCookie
        self.terminationState = terminationState
        self.activeConnections = activeConnections
        self.frontendConnections = frontendConnections
        self.backendConnections = backendConnections
        self.serverConnections = serverConnections
        self.retries = retries
        self.redispatched = redispatched
        self.serverQueue = serverQueue
        self.backendQueue = backendQueue
        self.capturedRequestHeaders = capturedRequestHeaders
        self.capturedResponseHeaders = capturedResponseHeaders
        self.requestLine = requestLine
        self.method = method
        self.uri = uri
        self.httpVersion = httpVersion
        self.uniqueID = uniqueID
        self.sslVersion = sslVersion
        self.sslCipher = sslCipher
        self.sslServerName = sslServerName
        self.sslResumed = sslResumed
        self.isHTTP = isHTTP
        self.requestCounter = requestCounter
        self.logASAP = logASAP
    }
}
