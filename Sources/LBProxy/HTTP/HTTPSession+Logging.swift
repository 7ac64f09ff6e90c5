import LBCore
import LBLog

extension HTTPSession {
    /// Emits the record of the current request once, then resets the per-request accounting. Does
    /// nothing when no request was started or when no access log is configured.
    func logRequest(status: Int, _ termination: Termination, serverName: String? = nil) {
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
        // A request that ended before its head was complete has no unique id yet (see `completeUniqueID`).
        ensureUniqueID(from: buildRecord(status: status, termination: termination, serverName: serverName, end: end))
        let (numbers, cause) = recordNumbers(status: status, termination: termination, end: end, serverName: serverName)
        receiver.record(numbers: numbers, isError: numbers.isError(terminationCause: cause), uniqueID: uniqueID,
                        frontend: frontend.index, request: loggedHead, connection: connectionInfo) { texts in
            writeRecordTexts(into: &texts, termination: termination, serverName: serverName)
        }
    }

    /// The record of the current request as it stands at `end`, as a `LogRecord` (for the unique id and
    /// `option logasap`; the record logged at the end of a request goes out as numbers and texts).
    func buildRecord(status: Int, termination: Termination, serverName: String?, end: UInt64) -> LogRecord {
        LogRecord(numbers: recordNumbers(status: status, termination: termination, end: end, serverName: serverName).numbers) { texts in
            writeRecordTexts(into: &texts, termination: termination, serverName: serverName)
        }
    }

    /// The numbers of the current request's record as they stand at `end`, and the termination state's
    /// first character (the cause, which tells an error record).
    func recordNumbers(status: Int, termination: Termination, end: UInt64, serverName: String?) -> (numbers: LogRecordNumbers, cause: UInt8) {
        let current = exchange
        let start = requestStartedAt
        var numbers = LogRecordNumbers()
        numbers.clientPort = Int64(connectionInfo.sourcePort)
        numbers.frontendPort = Int64(connectionInfo.destinationPort)
        numbers.acceptDateMilliseconds = runtime.clock.milliseconds(at: acceptedAt)
        numbers.requestDateMilliseconds = runtime.clock.milliseconds(at: start)
        numbers.utcOffsetSeconds = Int64(runtime.clock.utcOffsetSeconds)
        var flags = LogRecordNumbers.isHTTP
        if let current {
            if let index = current.serverIndex, current.serverChosen != 0 {
                let server = current.backend.servers[index]
                numbers.serverPort = server.plan.port.map(Int64.init) ?? .min
                numbers.serverConnections = Int64(server.activeConnections.load(ordering: .relaxed))
            }
            numbers.backendConnections = Int64(current.backend.servers.reduce(0) { $0 + $1.activeConnections.load(ordering: .relaxed) })
            numbers.retries = Int64(current.retriesDone)
            if current.redispatched { flags |= LogRecordNumbers.redispatched }
        }

        // Timers (HAProxy's definitions): -1 for a phase never completed.
        let headDone = current?.headDone ?? headDoneAt
        let idle = elapsedMilliseconds(from: idleSince, to: start)
        let active = elapsedMilliseconds(from: start, to: end)
        numbers.timeIdle = Int64(idle)
        numbers.timeRequest = headDone == 0 ? -1 : Int64(elapsedMilliseconds(from: start, to: headDone))
        if let current, current.serverChosen != 0 {
            numbers.timeQueue = Int64(elapsedMilliseconds(from: current.headDone, to: current.serverChosen))
            numbers.timeConnect = current.connected == 0 ? -1 : Int64(elapsedMilliseconds(from: current.serverChosen, to: current.connected))
            numbers.timeResponse = current.responseHead == 0 || current.connected == 0
                ? -1 : Int64(elapsedMilliseconds(from: current.connected, to: current.responseHead))
        } else {
            numbers.timeQueue = -1
            numbers.timeConnect = -1
            // A local answer (stats page, `return`) is its own response: HAProxy prints 0 for Tr then.
            numbers.timeResponse = serverName != nil && headDone != 0 ? 0 : -1
        }
        numbers.timeActive = Int64(active)
        numbers.timeHandshake = 0
        numbers.timeTotal = Int64(idle + active)

        numbers.status = Int64(status)
        numbers.bytesToClient = requestBytesOut
        numbers.bytesFromClient = requestBytesIn
        numbers.activeConnections = Int64(runtime.currentConnections.load(ordering: .relaxed))
        numbers.frontendConnections = Int64(frontend.currentConnections.load(ordering: .relaxed))
        numbers.serverQueue = 0
        numbers.backendQueue = Int64(current?.queuePosition ?? 0)
        numbers.requestCounter = requestNumber ?? .min
        if frontend.plan.logging.logASAP { flags |= LogRecordNumbers.logASAP }
        numbers.flags = flags
        return (numbers, termination.causeCharacter)
    }

    /// The texts of the current request's record, in `LogTextField` order, from the session's own strings.
    func writeRecordTexts(into texts: inout LogRecordTexts, termination: Termination, serverName: String?) {
        let current = exchange
        texts.write(.clientAddress, clientAddressText)
        texts.write(.frontendAddress, frontendAddressText)
        texts.write(.frontend, frontend.plan.name)
        var server: ServerRuntime?
        if let current {
            texts.write(.backend, current.backend.plan.name)
            if let index = current.serverIndex, current.serverChosen != 0 { server = current.backend.servers[index] }
        } else {
            texts.write(.backend, frontend.plan.name)
        }
        if let serverName {
            texts.write(.server, serverName)
        } else if let server {
            texts.write(.server, server.plan.name)
        } else {
            texts.write(.server, "<NOSRV>")
        }
        if let server { texts.write(.serverAddress, server.resolvedHost) }
        let captures = capturedForRecord()
        texts.write(.requestCookie, captures.requestCookie)
        texts.write(.responseCookie, captures.responseCookie)
        let cookieFlags = current?.cookieFlags ?? (UInt8(ascii: "-"), UInt8(ascii: "-"))
        texts.begin(.terminationState)
        texts.append(termination.causeCharacter)
        texts.append(termination.phaseCharacter)
        texts.append(cookieFlags.0)
        texts.append(cookieFlags.1)
        texts.end()
        if let head = loggedHead {
            let version = head.version.description
            texts.begin(.requestLine)
            texts.append(head.method)
            texts.append(UInt8(ascii: " "))
            texts.append(head.uri)
            texts.append(UInt8(ascii: " "))
            texts.append(version)
            texts.end()
            texts.write(.method, head.method)
            texts.write(.uri, head.uri)
            texts.write(.httpVersion, version)
        }
        texts.write(.uniqueID, uniqueID)
        texts.write(.requestHeaders, list: captures.requestHeaders)
        texts.write(.responseHeaders, list: captures.responseHeaders)
    }
}
