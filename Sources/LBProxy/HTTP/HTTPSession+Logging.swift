import LBCore
import LBLog

extension HTTPSession {
    /// Emits the record of the current request once, then resets the per-request accounting. Does
    /// nothing when no request was started or when no access log is configured.
    func logRequest(status: Int, _ termination: StaticString, serverName: String? = nil) {
        guard requestStartedAt != 0 else { return }
        defer {
            requestStartedAt = 0
            headDoneAt = 0
            loggedHead = nil
            captured = CapturedValues()
            requestBytesIn = 0
            requestBytesOut = 0
            uniqueID = nil
            requestNumber = nil
            recordSent = false
        }
        let end = monotonicNow()
        defer { idleSince = end }
        recordRequestMetrics(status: status, end: end)
        // With `option logasap` the record may have left when the response head did: one record per request.
        guard let receiver = runtime.accessLog, !recordSent else { return }
        numberRequestIfNeeded()
        var record = buildRecord(status: status, termination: termination, serverName: serverName, end: end)
        completeUniqueID(&record)
        receiver.record(record, frontend: frontend.index, request: loggedHead, connection: connectionInfo)
    }

    /// The record of the current request as it stands at `end`.
    func buildRecord(status: Int, termination: StaticString, serverName: String?, end: UInt64) -> LogRecord {
        let current = exchange
        let start = requestStartedAt
        var record = LogRecord()
        record.isHTTP = true
        record.clientAddress = clientAddressText
        record.clientPort = connectionInfo.sourcePort
        record.frontendAddress = frontendAddressText
        record.frontendPort = connectionInfo.destinationPort
        record.acceptDateMilliseconds = runtime.clock.milliseconds(at: acceptedAt)
        record.requestDateMilliseconds = runtime.clock.milliseconds(at: start)
        record.utcOffsetSeconds = runtime.clock.utcOffsetSeconds
        record.frontend = frontend.plan.name
        if let current {
            record.backend = current.backend.plan.name
            if let index = current.serverIndex, current.serverChosen != 0 {
                let server = current.backend.servers[index]
                record.server = server.plan.name
                record.serverAddress = server.resolvedHost
                record.serverPort = server.plan.port
                record.serverConnections = server.activeConnections.load(ordering: .relaxed)
            }
            record.backendConnections = current.backend.servers.reduce(0) { $0 + $1.activeConnections.load(ordering: .relaxed) }
            record.retries = current.retriesDone
            record.redispatched = current.redispatched
        } else {
            record.backend = frontend.plan.name
        }
        if let serverName { record.server = serverName }

        // Timers (HAProxy's definitions): -1 for a phase never completed.
        let headDone = current?.headDone ?? headDoneAt
        record.timeIdle = elapsedMilliseconds(from: idleSince, to: start)
        record.timeRequest = headDone == 0 ? -1 : elapsedMilliseconds(from: start, to: headDone)
        if let current, current.serverChosen != 0 {
            record.timeQueue = elapsedMilliseconds(from: current.headDone, to: current.serverChosen)
            record.timeConnect = current.connected == 0 ? -1 : elapsedMilliseconds(from: current.serverChosen, to: current.connected)
            record.timeResponse = current.responseHead == 0 || current.connected == 0
                ? -1 : elapsedMilliseconds(from: current.connected, to: current.responseHead)
        } else {
            record.timeQueue = -1
            record.timeConnect = -1
            // A local answer (stats page, `return`) is its own response: HAProxy prints 0 for Tr then.
            record.timeResponse = serverName != nil && headDone != 0 ? 0 : -1
        }
        record.timeActive = elapsedMilliseconds(from: start, to: end)
        record.timeHandshake = 0
        record.timeTotal = record.timeIdle + record.timeActive

        record.status = status
        record.bytesToClient = requestBytesOut
        record.bytesFromClient = requestBytesIn
        let cookieFlags = current?.cookieFlags ?? (UInt8(ascii: "-"), UInt8(ascii: "-"))
        record.terminationState = String(unsafeUninitializedCapacity: 4) { state in
            termination.withUTF8Buffer { bytes in
                state[0] = bytes[0]
                state[1] = bytes[1]
            }
            state[2] = cookieFlags.0
            state[3] = cookieFlags.1
            return 4
        }
        record.activeConnections = runtime.currentConnections.load(ordering: .relaxed)
        record.frontendConnections = frontend.currentConnections.load(ordering: .relaxed)
        record.serverQueue = 0
        record.backendQueue = current?.queuePosition ?? 0
        let captures = capturedForRecord()
        record.capturedRequestHeaders = captures.requestHeaders
        record.capturedResponseHeaders = captures.responseHeaders
        record.capturedRequestCookie = captures.requestCookie
        record.capturedResponseCookie = captures.responseCookie
        if let head = loggedHead {
            record.method = head.method
            record.uri = head.uri
            let version = head.version.description
            record.httpVersion = version
            var line = head.method
            line.reserveCapacity(head.method.utf8.count + head.uri.utf8.count + version.utf8.count + 2)
            line += " "
            line += head.uri
            line += " "
            line += version
            record.requestLine = line
        }
        record.uniqueID = uniqueID
        record.requestCounter = requestNumber
        record.logASAP = frontend.plan.logging.logASAP
        return record
    }
}
