import LBCore
import LBLog

extension HTTPSession {
    /// Emits the record of the current request once, then resets the per-request accounting. Does
    /// nothing when no request was started or when no access log is configured.
    func logRequest(status: Int, _ termination: Termination, serverName: String? = nil) {
        guard machine.timings.requestStart != 0 else { return }
        let end = monotonicNow()
        defer {
            machine.exchangeLogged(end: end)
            record = RequestRecordFacts()
        }
        recordRequestMetrics(status: status, end: end)
        if let stickTrackers {
            // HAProxy counts a bad request and a 4xx the server sent as errors, not its own refusals.
            let isError = status == 400 || ((400..<500).contains(status) && termination.causeCharacter != UInt8(ascii: "P"))
            stickTrackers.requestEnded(bytesIn: Int(machine.bytesIn), bytesOut: Int(machine.bytesOut), isError: isError)
        }
        // With `option logasap` the record may have left when the response head did: one record per request.
        guard let receiver = runtime.accessLog, !machine.recordSent else { return }
        numberRequestIfNeeded()
        // A request that ended before its head was complete has no unique id yet (see `completeUniqueID`).
        ensureUniqueID(from: buildRecord(status: status, termination: termination, serverName: serverName, end: end))
        let (numbers, cause) = recordNumbers(status: status, termination: termination, end: end, serverName: serverName)
        receiver.record(numbers: numbers, isError: numbers.isError(terminationCause: cause), uniqueID: record.uniqueID,
                        frontend: frontend.index, request: record.head, connection: connectionInfo) { texts in
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
        var numbers = LogRecordNumbers()
        numbers.clientPort = Int64(connectionInfo.sourcePort)
        numbers.frontendPort = Int64(connectionInfo.destinationPort)
        numbers.acceptDateMilliseconds = runtime.clock.milliseconds(at: machine.acceptedAt)
        numbers.requestDateMilliseconds = runtime.clock.milliseconds(at: machine.timings.requestStart)
        numbers.utcOffsetSeconds = Int64(runtime.clock.utcOffsetSeconds)
        var flags = LogRecordNumbers.isHTTP
        if let current {
            if let index = current.serverIndex, machine.timings.serverChosen != 0 {
                let server = current.backend.servers[index]
                numbers.serverPort = server.plan.port.map(Int64.init) ?? .min
                numbers.serverConnections = Int64(server.activeConnections.load(ordering: .relaxed))
            }
            numbers.backendConnections = Int64(current.backend.servers.reduce(0) { $0 + $1.activeConnections.load(ordering: .relaxed) })
            numbers.retries = Int64(machine.progress?.retriesDone ?? 0)
            if machine.progress?.redispatched == true { flags |= LogRecordNumbers.redispatched }
        }

        let timers = machine.timings.logTimers(end: end, answeredLocally: serverName != nil)
        numbers.timeIdle = Int64(timers.idle)
        numbers.timeRequest = Int64(timers.request)
        numbers.timeQueue = Int64(timers.queue)
        numbers.timeConnect = Int64(timers.connect)
        numbers.timeResponse = Int64(timers.response)
        numbers.timeActive = Int64(timers.active)
        numbers.timeHandshake = Int64(timers.handshake)
        numbers.timeTotal = Int64(timers.total)

        numbers.status = Int64(status)
        numbers.bytesToClient = machine.bytesOut
        numbers.bytesFromClient = machine.bytesIn
        numbers.activeConnections = Int64(runtime.currentConnections.load(ordering: .relaxed))
        numbers.frontendConnections = Int64(frontend.currentConnections.load(ordering: .relaxed))
        numbers.serverQueue = 0
        numbers.backendQueue = Int64(machine.progress?.queuePosition ?? 0)
        numbers.requestCounter = record.number ?? .min
        if frontend.plan.logging.logASAP { flags |= LogRecordNumbers.logASAP }
        // HAProxy marks a TLS connection's frontend with `~` (`%ft`, httplog).
        if connectionInfo.isTLS { flags |= LogRecordNumbers.frontendIsTLS }
        if connectionInfo.tls?.resumed == true { flags |= LogRecordNumbers.sslResumed }
        numbers.flags = flags
        return (numbers, termination.causeCharacter)
    }

    /// The texts of the current request's record, in `LogTextField` order, from the session's own strings.
    func writeRecordTexts(into texts: inout LogRecordTexts, termination: Termination, serverName: String?) {
        let current = exchange
        texts.write(.clientAddress, addresses.clientText)
        texts.write(.frontendAddress, addresses.frontendText)
        texts.write(.frontend, frontend.plan.name)
        var server: ServerRuntime?
        if let current {
            texts.write(.backend, current.backend.plan.name)
            if let index = current.serverIndex, machine.timings.serverChosen != 0 { server = current.backend.servers[index] }
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
        let cookieFlags = current?.persistence.cookieFlags ?? (UInt8(ascii: "-"), UInt8(ascii: "-"))
        texts.begin(.terminationState)
        texts.append(termination.causeCharacter)
        texts.append(termination.phaseCharacter)
        texts.append(cookieFlags.0)
        texts.append(cookieFlags.1)
        texts.end()
        if let head = record.head {
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
        texts.write(.uniqueID, record.uniqueID)
        if let tls = connectionInfo.tls {
            texts.write(.sslVersion, tls.version)
            texts.write(.sslCipher, tls.cipher)
            texts.write(.sslServerName, tls.serverName)
        }
        texts.write(.requestHeaders, list: captures.requestHeaders)
        texts.write(.responseHeaders, list: captures.responseHeaders)
    }
}
