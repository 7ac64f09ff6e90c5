/// Every number of a `LogRecord`, in one trivially copyable block: what the data plane fills to log a
/// request without building a `LogRecord` (its texts go through `LogRecordTexts`).
public struct LogRecordNumbers: Sendable, BitwiseCopyable {
    public var clientPort: Int64 = 0
    public var frontendPort: Int64 = 0
    public var acceptDateMilliseconds: Int64 = 0
    public var requestDateMilliseconds: Int64 = 0
    public var utcOffsetSeconds: Int64 = 0
    /// `Int64.min` when the record has no server port.
    public var serverPort: Int64 = .min
    public var timeRequest: Int64 = -1
    public var timeQueue: Int64 = -1
    public var timeConnect: Int64 = -1
    public var timeResponse: Int64 = -1
    public var timeActive: Int64 = 0
    public var timeHandshake: Int64 = 0
    public var timeIdle: Int64 = -1
    public var timeTotal: Int64 = 0
    public var status: Int64 = -1
    public var bytesToClient: Int64 = 0
    public var bytesFromClient: Int64 = 0
    public var activeConnections: Int64 = 0
    public var frontendConnections: Int64 = 0
    public var backendConnections: Int64 = 0
    public var serverConnections: Int64 = 0
    public var retries: Int64 = 0
    public var serverQueue: Int64 = 0
    public var backendQueue: Int64 = 0
    /// `Int64.min` when the record carries no request counter.
    public var requestCounter: Int64 = .min
    public var flags: UInt64 = Self.isHTTP

    public static let frontendIsTLS: UInt64 = 1
    public static let redispatched: UInt64 = 2
    public static let isHTTP: UInt64 = 4
    public static let logASAP: UInt64 = 8
    /// The connection's TLS session was resumed (`ssl_fc_is_resumed`).
    public static let sslResumed: UInt64 = 16

    public init() {}

    init(_ record: LogRecord) {
        clientPort = Int64(record.clientPort)
        frontendPort = Int64(record.frontendPort)
        acceptDateMilliseconds = record.acceptDateMilliseconds
        requestDateMilliseconds = record.requestDateMilliseconds
        utcOffsetSeconds = Int64(record.utcOffsetSeconds)
        serverPort = record.serverPort.map(Int64.init) ?? .min
        timeRequest = Int64(record.timeRequest)
        timeQueue = Int64(record.timeQueue)
        timeConnect = Int64(record.timeConnect)
        timeResponse = Int64(record.timeResponse)
        timeActive = Int64(record.timeActive)
        timeHandshake = Int64(record.timeHandshake)
        timeIdle = Int64(record.timeIdle)
        timeTotal = Int64(record.timeTotal)
        status = Int64(record.status)
        bytesToClient = record.bytesToClient
        bytesFromClient = record.bytesFromClient
        activeConnections = Int64(record.activeConnections)
        frontendConnections = Int64(record.frontendConnections)
        backendConnections = Int64(record.backendConnections)
        serverConnections = Int64(record.serverConnections)
        retries = Int64(record.retries)
        serverQueue = Int64(record.serverQueue)
        backendQueue = Int64(record.backendQueue)
        requestCounter = record.requestCounter ?? .min
        flags = (record.frontendIsTLS ? Self.frontendIsTLS : 0) | (record.redispatched ? Self.redispatched : 0)
            | (record.isHTTP ? Self.isHTTP : 0) | (record.logASAP ? Self.logASAP : 0)
            | (record.sslResumed ? Self.sslResumed : 0)
    }

    func apply(to record: inout LogRecord) {
        record.clientPort = Int(clientPort)
        record.frontendPort = Int(frontendPort)
        record.acceptDateMilliseconds = acceptDateMilliseconds
        record.requestDateMilliseconds = requestDateMilliseconds
        record.utcOffsetSeconds = Int(utcOffsetSeconds)
        record.serverPort = serverPort == .min ? nil : Int(serverPort)
        record.timeRequest = Int(timeRequest)
        record.timeQueue = Int(timeQueue)
        record.timeConnect = Int(timeConnect)
        record.timeResponse = Int(timeResponse)
        record.timeActive = Int(timeActive)
        record.timeHandshake = Int(timeHandshake)
        record.timeIdle = Int(timeIdle)
        record.timeTotal = Int(timeTotal)
        record.status = Int(status)
        record.bytesToClient = bytesToClient
        record.bytesFromClient = bytesFromClient
        record.activeConnections = Int(activeConnections)
        record.frontendConnections = Int(frontendConnections)
        record.backendConnections = Int(backendConnections)
        record.serverConnections = Int(serverConnections)
        record.retries = Int(retries)
        record.serverQueue = Int(serverQueue)
        record.backendQueue = Int(backendQueue)
        record.requestCounter = requestCounter == .min ? nil : requestCounter
        record.frontendIsTLS = flags & Self.frontendIsTLS != 0
        record.redispatched = flags & Self.redispatched != 0
        record.isHTTP = flags & Self.isHTTP != 0
        record.logASAP = flags & Self.logASAP != 0
        record.sslResumed = flags & Self.sslResumed != 0
    }

    /// HAProxy's error record (`LogRecord.isError`) from the numbers and the termination state's first
    /// character: what `dontlog-normal` keeps and `log-separate-errors` sends at `err`.
    public func isError(terminationCause: UInt8) -> Bool {
        if flags & Self.redispatched != 0 { return true }
        if terminationCause != UInt8(ascii: "-") && terminationCause != UInt8(ascii: "L") { return true }
        if terminationCause == UInt8(ascii: "-") && retries > 0 { return true }
        return flags & Self.isHTTP != 0 && status >= 500
    }
}
