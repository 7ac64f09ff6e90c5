import LBConfig
import LBCore
import NIOCore

extension HTTPSession {
    /// Picks a server and gets a connection to it: an idle pooled one when the mode allows reuse,
    /// otherwise a new one.
    func dispatch(excluding failed: Int? = nil, wokenFromQueue: Bool = false) {
        guard let current = exchange else { return }
        let backend = current.backend
        // A persistence cookie names the server, unless this is a redispatch away from it.
        let persistent = failed == nil ? current.persistentServer : nil
        guard let serverIndex = persistent
                ?? backend.pickServer(request: current.request.head, connection: connectionInfo, excluding: failed,
                                      snapshots: loop.selections)
                ?? (failed.flatMap { backend.servers[$0].isUsable ? $0 : nil })
        else {
            waitForSlotOrFail(atFront: wokenFromQueue)
            return
        }
        let server = backend.servers[serverIndex]
        if !current.holdsServerSlot {
            // Another loop may have taken the last slot since the pick: then wait like everyone else.
            guard server.tryAcquireSlot() else {
                if serverIndex == persistent {
                    waitForPersistentServer(serverIndex, wokenFromQueue: wokenFromQueue)
                } else {
                    waitForSlotOrFail(atFront: wokenFromQueue)
                }
                return
            }
            current.holdsServerSlot = true
            stopWaitingForServer()
        }
        current.serverIndex = serverIndex
        if timings.serverChosen == 0 { timings.serverChosen = monotonicNow() }
        server.totalSessions.wrappingIncrement(ordering: .relaxed)
        current.attempt += 1
        if current.mode == .keepAlive, let idle = reusableConnection(backend, serverIndex) {
            attach(idle, reused: true)
            return
        }
        connect(to: server, serverIndex: serverIndex)
    }

    /// An idle connection this request may use, as `http-reuse` allows: with `never` only the one this
    /// client connection left; with `safe` none for its first request (a client need not retry a first
    /// request that fails because the server closed an idle connection under it); with `aggressive`,
    /// for the first request, only a connection that already carried several requests; otherwise any.
    private func reusableConnection(_ backend: BackendRuntime, _ serverIndex: Int) -> UpstreamConnection? {
        switch backend.plan.reuse {
        case .never:
            guard let own = ownIdleUpstream else { return nil }
            ownIdleUpstream = nil
            guard own.backendIndex == backend.index, own.serverIndex == serverIndex, own.isActive else {
                own.close()
                return nil
            }
            return own
        case .safe:
            return requestsServed == 0 ? nil : loop.pool.take(backend: backend.index, server: serverIndex)
        case .aggressive:
            return loop.pool.take(backend: backend.index, server: serverIndex, provenOnly: requestsServed == 0)
        case .always:
            return loop.pool.take(backend: backend.index, server: serverIndex)
        }
    }

    /// No server can take the request now: queue it when some server is merely full (`maxconn`), else 503.
    private func waitForSlotOrFail(atFront: Bool) {
        guard let current = exchange else { return }
        let backend = current.backend
        guard backend.mayQueue else {
            respondError(503, .by(.serverAbort, .connect))
            return
        }
        let waiter = BackendQueue.Waiter(
            id: ObjectIdentifier(self),
            wake: NIOLoopBoundBox(BackendQueue.WeakWaiter(self), eventLoop: context.eventLoop))
        let position = backend.queue.enqueue(waiter, atFront: atFront)
        if !current.queued { current.queuePosition = position }
        current.queued = true
        // `timeout queue`, else `timeout connect` (HAProxy's fallback), bounds the wait.
        arm(.queue, backend.plan.timeouts.queue ?? backend.plan.timeouts.connect ?? 10_000)
    }

    /// Leaves the backend queue (timeout, client gone).
    func leaveQueue() {
        stopWaitingForServer()
        guard let current = exchange, current.queued else { return }
        current.queued = false
        current.backend.queue.remove(ObjectIdentifier(self))
    }

    /// Persistence names a full server: wait for it, unless its `maxqueue` requests already do; then the
    /// request goes to another server, as in HAProxy (persistence is broken, the redispatch counted).
    private func waitForPersistentServer(_ serverIndex: Int, wokenFromQueue: Bool) {
        guard let current = exchange else { return }
        let server = current.backend.servers[serverIndex]
        if current.waitingForServer == nil {
            if let limit = server.plan.maxQueue, limit > 0, server.waiting.load(ordering: .relaxed) >= limit {
                current.persistentServer = nil
                current.redispatched = true
                server.redispatches.wrappingIncrement(ordering: .relaxed)
                dispatch(wokenFromQueue: wokenFromQueue)
                return
            }
            let now = server.waiting.wrappingIncrementThenLoad(ordering: .relaxed)
            var seen = server.waitingMaximum.load(ordering: .relaxed)
            while now > seen {
                let (exchanged, original) = server.waitingMaximum.compareExchange(expected: seen, desired: now, ordering: .relaxed)
                if exchanged { break }
                seen = original
            }
            current.waitingForServer = serverIndex
        }
        waitForSlotOrFail(atFront: wokenFromQueue)
    }

    /// The request no longer waits for a server in particular (it got a slot, or gave up).
    func stopWaitingForServer() {
        guard let current = exchange, let index = current.waitingForServer else { return }
        current.waitingForServer = nil
        current.backend.servers[index].waiting.wrappingDecrement(ordering: .relaxed)
    }

    private func connect(to server: ServerRuntime, serverIndex: Int) {
        guard let current = exchange else { return }
        let address: SocketAddress
        do {
            address = try server.address ?? SocketAddress(ipAddress: server.resolvedHost, port: connectionInfo.destinationPort)
        } catch {
            connectFailed(timedOut: false)
            return
        }
        let attempt = current.attempt
        let timeout = TimeAmount.milliseconds(Int64(current.backend.plan.timeouts.connect ?? 10_000))
        loop.connect(to: address, backend: current.backend.index, server: serverIndex, timeout: timeout) { [weak self] result in
            guard let self, self.phase == .connecting, self.exchange?.attempt == attempt else {
                if case .success(let connection) = result { connection.close() }
                return
            }
            switch result {
            case .success(let connection):
                self.attach(connection, reused: false)
            case .failure(let error):
                self.connectFailed(timedOut: error.isConnectTimeout)
            }
        }
    }

    /// A connect failed: retry (possibly on another server) or give up with 503.
    private func connectFailed(timedOut: Bool) {
        guard let current = exchange, let serverIndex = current.serverIndex else { return }
        current.backend.servers[serverIndex].connectionErrors.wrappingIncrement(ordering: .relaxed)
        current.connectTimedOut = timedOut
        guard current.backend.plan.retryOn.connectionFailure, retry(from: serverIndex, timedOut: timedOut, afterConnect: false) else {
            respondError(503, timedOut ? .by(.serverTimeout, .connect) : .by(.serverAbort, .connect))
            return
        }
    }

    /// `retry-on` for a failure after the connection was made (no response, junk, a timeout, a listed
    /// status): when the condition is enabled, retries remain and the request can be sent again (it has
    /// no body, so nothing was consumed), drops this attempt and starts the next. False otherwise:
    /// the caller then reports the failure as usual.
    func retryFailedResponse(_ enabled: (RetryConditions) -> Bool) -> Bool {
        guard let current = exchange, let serverIndex = current.serverIndex else { return false }
        let plan = current.backend.plan
        guard enabled(plan.retryOn), current.retriesDone < plan.retries,
              !current.requestBodyStarted, current.requestBody.isComplete else { return false }
        upstream?.close()
        upstream = nil
        current.response = nil
        current.responseBuffer = nil
        current.responseBody = BodyTracker(.none)
        current.receivedResponseBytes = false
        current.reuseServer = false
        current.cookieFlags.1 = UInt8(ascii: "-")
        phase = .connecting
        arm(.server, nil)
        return retry(from: serverIndex, timedOut: false, afterConnect: true)
    }

    /// Asks the backend's retry policy what follows a failed attempt on `serverIndex` and starts it:
    /// the same server after a pause, or another one now. False when no retry is left.
    private func retry(from serverIndex: Int, timedOut: Bool, afterConnect: Bool) -> Bool {
        guard let current = exchange else { return false }
        let backend = current.backend
        let persistent = current.persistentServer == serverIndex && !current.redispatched
        let decision = backend.retryDecision(
            afterFailureOn: serverIndex, retriesDone: current.retriesDone, persistent: persistent,
            timedOut: timedOut, afterConnect: afterConnect)
        let attempt = current.attempt
        switch decision {
        case .giveUp:
            return false
        case .redispatch:
            current.retriesDone += 1
            loop.eventLoop.assumeIsolated().execute { [weak self] in
                guard let self, self.phase == .connecting, self.exchange?.attempt == attempt else { return }
                self.redispatch(from: serverIndex)
            }
        case .retrySameServer(let pause):
            current.retriesDone += 1
            loop.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(pause))) { [weak self] in
                guard let self, self.phase == .connecting, let current = self.exchange, current.attempt == attempt else { return }
                // The checks may have taken the server out during the pause.
                if backend.leavesAtRetry(serverIndex) {
                    self.redispatch(from: serverIndex)
                } else {
                    current.attempt += 1
                    self.connect(to: backend.servers[serverIndex], serverIndex: serverIndex)
                }
            }
        }
        return true
    }

    /// Gives up the failed server's slot and lets the balancer pick another server.
    private func redispatch(from serverIndex: Int) {
        guard let current = exchange else { return }
        current.redispatched = true
        if current.holdsServerSlot {
            current.holdsServerSlot = false
            current.backend.releaseSlot(serverIndex)
        }
        dispatch(excluding: serverIndex)
    }

    /// Takes a connection to the server and sends the request head (and whatever body is buffered).
    func attach(_ connection: UpstreamConnection, reused: Bool) {
        guard let current = exchange else {
            connection.close()
            return
        }
        current.reusedConnection = reused
        timings.connected = monotonicNow()
        if !current.stickKeys.isEmpty, let serverIndex = current.serverIndex {
            runtime.storeSticky(current.stickKeys, server: serverIndex)
            current.stickKeys = []
        }
        upstream = connection
        connection.owner = self
        phase = .exchanging
        connection.write(current.upstreamHead)
        upstreamNeedsFlush = true
        if current.requestBody.isComplete {
            arm(.server, current.backend.plan.timeouts.server)
        } else {
            arm(.client, timeouts.client)
            pumpRequestBody()
        }
        flushUpstream()
        resumeClientRead()
    }

    // MARK: Upstream events

    var mayReadUpstream: Bool { context?.channel.isWritable ?? false }

    func upstreamRead(_ connection: UpstreamConnection, _ buffer: ByteBuffer) {
        guard connection === upstream else { return }
        var buffer = buffer
        if phase == .tunnel {
            timer.touch()
            writeToClient(buffer)
            return
        }
        guard let current = exchange else { return }
        current.backend.servers[current.serverIndex!].bytesOut.wrappingIncrement(by: buffer.readableBytes, ordering: .relaxed)
        current.receivedResponseBytes = true
        if current.requestBody.isComplete { timer.touch() }
        if current.response != nil {
            relayResponseBody(&buffer)
            return
        }
        if current.responseBuffer == nil || current.responseBuffer!.readableBytes == 0 {
            current.responseBuffer = buffer
        } else {
            current.responseBuffer!.writeBuffer(&buffer)
        }
        parseResponseHeads()
    }

    /// Parses response heads from the buffered bytes: relays interim 1xx answers, switches to a tunnel on
    /// 101, and starts relaying the final response.
    private func parseResponseHeads() {
        while let current = exchange, var pending = current.responseBuffer, pending.readableBytes > 0 {
            let parsed: ParsedResponse?
            do {
                parsed = try responseParser.parse(pending)
            } catch {
                current.backend.servers[current.serverIndex!].responseErrors.wrappingIncrement(ordering: .relaxed)
                if retryFailedResponse({ $0.junkResponse }) { return }
                respondError(502, .by(.proxy, .headers))
                return
            }
            guard let response = parsed else { return }
            var head = context.channel.allocator.buffer(capacity: response.raw.length + 32)
            if response.status == 101 && current.request.wantsUpgrade {
                ClientResponseWriter.write(response, from: pending, passUpgrade: true, connection: nil, into: &head)
                pending.moveReaderIndex(forwardBy: response.raw.length)
                writeToClient(head)
                if pending.readableBytes > 0 { writeToClient(pending) }
                current.responseBuffer = nil
                timings.responseHead = monotonicNow()
                current.response = response
                logAsSoonAsPossible(status: 101, headBytes: 0)
                enterTunnel()
                return
            }
            if response.status < 200 {
                // Interim answer (100 Continue...): relay it and wait for the final one.
                ClientResponseWriter.write(response, from: pending, passUpgrade: false, connection: nil, into: &head)
                pending.moveReaderIndex(forwardBy: response.raw.length)
                current.responseBuffer = pending
                writeToClient(head)
                context.flush()
                continue
            }
            if current.backend.plan.retryOn.statuses.contains(response.status),
               retryFailedResponse({ $0.statuses.contains(response.status) }) {
                return
            }
            let framing = response.framing(requestMethodIsHEAD: current.isHEAD, requestIsCONNECT: current.isCONNECT)
            current.response = response
            timings.responseHead = monotonicNow()
            captureResponse(response, in: pending)
            if !current.backend.plan.stickRules.isEmpty { storeStickyFromResponse(response, in: pending, exchange: current) }
            var ruleFields: HTTPHeaderFields?
            if hasResponseRules(current) {
                guard let fields = applyResponseRules(response, in: pending, exchange: current) else { return }
                ruleFields = fields
            }
            current.responseBody = BodyTracker(framing)
            let clientIsHTTP10 = current.request.head.version == .http1_0
            current.keepClient = !current.request.clientWantsClose && current.mode != .close && framing != .untilClose
                && !draining && !clientInputClosed && !current.request.wantsUpgrade
            current.reuseServer = current.mode == .keepAlive && response.serverKeepsAlive && framing != .untilClose
                && !current.request.wantsUpgrade
            let connectionValue: StaticString? = current.keepClient ? (clientIsHTTP10 ? "keep-alive" : nil) : "close"
            if let cookies = current.backend.cookies, let serverIndex = current.serverIndex {
                let edits = cookieEdits(cookies, response: response, in: pending, server: serverIndex, exchange: current)
                if let ruleFields {
                    ClientResponseWriter.write(response, from: pending, fields: ruleFields, connection: connectionValue,
                                               edit: edits.edit, extraFields: edits.extra, into: &head)
                } else {
                    ClientResponseWriter.write(response, from: pending, passUpgrade: false, connection: connectionValue,
                                               edit: edits.edit, extraFields: edits.extra, into: &head)
                }
            } else if let ruleFields {
                ClientResponseWriter.write(response, from: pending, fields: ruleFields, connection: connectionValue, into: &head)
            } else {
                ClientResponseWriter.write(response, from: pending, passUpgrade: false, connection: connectionValue, into: &head)
            }
            logAsSoonAsPossible(status: response.status, headBytes: head.readableBytes)
            pending.moveReaderIndex(forwardBy: response.raw.length)
            current.responseBuffer = nil
            relayResponseBody(&pending, after: head)
            return
        }
    }

    /// Forwards response body bytes up to the end of the response. `head`, when given, is the rewritten
    /// response head: a small body that arrived with it is appended so that both leave in one write.
    private func relayResponseBody(_ buffer: inout ByteBuffer, after head: ByteBuffer? = nil) {
        guard let current = exchange else { return }
        var pendingHead = head
        if buffer.readableBytes > 0 {
            let consumed: Int
            do {
                consumed = try current.responseBody.advance(over: buffer)
            } catch {
                current.backend.servers[current.serverIndex!].responseErrors.wrappingIncrement(ordering: .relaxed)
                // Bad framing that came with the head: the head has not left, so the client can still be
                // told (502). Once it has, cutting the connection is all that is left.
                if pendingHead != nil { respondError(502, .by(.proxy, .data)) } else { abortBoth(.by(.proxy, .data)) }
                return
            }
            if consumed > 0 {
                var slice = buffer.readSlice(length: consumed)!
                if pendingHead != nil, consumed <= 8192 {
                    pendingHead!.writeBuffer(&slice)
                } else {
                    if let head = pendingHead { writeToClient(head) }
                    pendingHead = nil
                    writeToClient(slice)
                }
            }
            if buffer.readableBytes > 0 { current.serverOverran = true }
        }
        if let pendingHead { writeToClient(pendingHead) }
        if current.responseBody.isComplete && (current.requestBody.isComplete || !current.keepClient) {
            finishExchange()
        }
    }

    func upstreamReadComplete(_ connection: UpstreamConnection) {
        guard connection === upstream else { return }
        context.flush()
    }

    /// The response is complete: park or close the server connection, then keep or close the client.
    func finishExchange() {
        guard let current = exchange else { return }
        logRequest(status: current.response?.status ?? -1, .normal)
        releaseServerSlot()
        if let connection = upstream {
            upstream = nil
            if current.reuseServer && current.requestBody.isComplete && !current.serverOverran && connection.isActive && !loop.stopping {
                connection.owner = nil
                connection.requestsServed += 1
                if current.backend.plan.reuse == .never {
                    ownIdleUpstream = connection
                } else {
                    loop.pool.park(connection)
                }
            } else {
                connection.close()
            }
        }
        // Draining after the head promised to keep the connection: keep that promise (see finishClientSide).
        if current.keepClient && current.requestBody.isComplete && !clientInputClosed {
            context.flush()
            finishClientSide()
        } else {
            exchange = nil
            closeAfterFlush()
        }
    }

    func upstreamInputClosed(_ connection: UpstreamConnection) {
        guard connection === upstream else {
            connection.close()
            return
        }
        if phase == .tunnel {
            // Pass the server's FIN on to the client; the other direction may still flow.
            context.flush()
            context.close(mode: .output, promise: nil)
            return
        }
        serverEnded()
    }

    func upstreamClosed(_ connection: UpstreamConnection) {
        guard connection === upstream else { return }
        if phase == .tunnel {
            upstream = nil
            logRequest(status: 101, .normal)
            closeAfterFlush()
            return
        }
        serverEnded()
    }

    /// The server closed its side during an exchange.
    private func serverEnded() {
        guard let current = exchange else { return }
        upstream?.close()
        upstream = nil
        if current.response == nil {
            if current.reusedConnection && !current.receivedResponseBytes && !current.requestBodyStarted {
                // A pooled connection the server had already closed: send the request on a fresh one.
                current.reusedConnection = false
                phase = .connecting
                if let index = current.serverIndex {
                    // Same server, same slot, on a fresh connection (with the usual retries if that fails).
                    current.attempt += 1
                    connect(to: current.backend.servers[index], serverIndex: index)
                }
                return
            }
            current.backend.servers[current.serverIndex!].responseErrors.wrappingIncrement(ordering: .relaxed)
            if !current.receivedResponseBytes, retryFailedResponse({ $0.emptyResponse }) { return }
            respondError(502, .by(.serverAbort, .headers))
            return
        }
        if current.responseBody.isUntilClose {
            current.keepClient = false
            finishExchange()
            return
        }
        if current.responseBody.isComplete {
            current.reuseServer = false
            if current.requestBody.isComplete { finishExchange() } else { abortBoth(.by(.serverAbort, .data)) }
            return
        }
        // Truncated response: the client already has the head, so only a close can tell it.
        abortBoth(.by(.serverAbort, .data))
    }

    func upstreamWritabilityChanged(_ connection: UpstreamConnection) {
        guard connection === upstream, connection.isWritable else { return }
        resumeClientRead()
    }

    /// After a 101: relay bytes both ways untouched under `timeout tunnel`.
    private func enterTunnel() {
        phase = .tunnel
        arm(.tunnel, timeouts.tunnelIdle ?? exchange?.backend.plan.timeouts.tunnelIdle)
        if var buffer = inbound, buffer.readableBytes > 0 {
            upstream?.write(buffer.readSlice(length: buffer.readableBytes)!)
            upstreamNeedsFlush = true
        }
        inbound = nil
        flushUpstream()
        context.flush()
        resumeClientRead()
    }
}
