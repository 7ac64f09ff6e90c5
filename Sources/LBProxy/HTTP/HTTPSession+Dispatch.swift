import LBConfig
import LBCore
import NIOCore

/// Getting the request to a server: the pick, the queue, the connect, and a retry's next attempt.
extension HTTPSession {
    /// Picks a server and gets a connection to it: an idle pooled one when the mode allows reuse,
    /// otherwise a new one.
    func dispatch(excluding failed: Int? = nil, wokenFromQueue: Bool = false) {
        guard let current = exchange, machine.progress != nil else { return }
        let backend = current.backend
        // A persistence cookie names the server, unless this is a redispatch away from it.
        let persistent = failed == nil ? current.persistence.server : nil
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
        machine.serverChosen(now: monotonicNow(), persistent: serverIndex == current.persistence.server)
        server.totalSessions.wrappingIncrement(ordering: .relaxed)
        if machine.progress?.route.mode == .keepAlive, let idle = reusableConnection(backend, serverIndex) {
            _ = machine.reuseStarted()
            attach(idle, reused: true)
            return
        }
        connect(to: server, serverIndex: serverIndex)
    }

    /// An idle connection this request may use, as `http-reuse` allows: with `never` only the one this
    /// client connection left; with `safe` none for its first request (a client need not retry a first
    /// request that fails because the server closed an idle connection under it); with `aggressive`,
    /// for the first request, only a connection that already carried several requests; otherwise any.
    /// A TLS connection serves only requests whose `sni` names the server as its handshake did.
    private func reusableConnection(_ backend: BackendRuntime, _ serverIndex: Int) -> UpstreamConnection? {
        let firstRequest = machine.requestsServed == 0
        let server = backend.servers[serverIndex]
        let name = server.serverName(request: exchange?.request.head, connection: connectionInfo)
        let header = server.proxyHeader(for: connectionInfo)
        switch backend.plan.reuse {
        case .never:
            guard let own = ownIdleUpstream else { return nil }
            ownIdleUpstream = nil
            guard own.backendIndex == backend.index, own.serverIndex == serverIndex, own.serverName == name,
                  own.proxyHeader == header, own.isActive else {
                own.close()
                return nil
            }
            return own
        case .safe:
            return firstRequest ? nil : loop.pool.take(backend: backend.index, server: serverIndex, serverName: name,
                                                       proxyHeader: header)
        case .aggressive:
            return loop.pool.take(backend: backend.index, server: serverIndex, provenOnly: firstRequest, serverName: name,
                                  proxyHeader: header)
        case .always:
            return loop.pool.take(backend: backend.index, server: serverIndex, serverName: name, proxyHeader: header)
        }
    }

    /// No server can take the request now: queue it when some server is merely full (`maxconn`), else 503.
    private func waitForSlotOrFail(atFront: Bool) {
        guard let current = exchange else { return }
        let backend = current.backend
        guard backend.mayQueue else {
            perform(machine.noServer())
            return
        }
        let waiter = BackendQueue.Waiter(
            id: ObjectIdentifier(self),
            wake: NIOLoopBoundBox(BackendQueue.WeakWaiter(self), eventLoop: context.eventLoop))
        let position = backend.queue.enqueue(waiter, atFront: atFront)
        machine.queued(position: position, now: monotonicNow())
        followDeadline()
    }

    /// Gives up the queue place and the wait for a particular server (timeout, client gone, answer).
    func leaveQueue() {
        stopWaitingForServer()
        guard let current = exchange, machine.progress?.inQueue == true else { return }
        machine.leftQueue()
        current.backend.queue.remove(ObjectIdentifier(self))
    }

    /// Persistence names a full server: wait for it, unless its `maxqueue` requests already do; then the
    /// request goes to another server, as in HAProxy (persistence is broken, the redispatch counted).
    private func waitForPersistentServer(_ serverIndex: Int, wokenFromQueue: Bool) {
        guard let current = exchange else { return }
        let server = current.backend.servers[serverIndex]
        if current.waitingForServer == nil {
            if let limit = server.plan.maxQueue, limit > 0, server.waiting.load(ordering: .relaxed) >= limit {
                current.persistence.server = nil
                machine.persistenceBroken()
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

    func reconnect() {
        guard let current = exchange, let index = current.serverIndex else { return }
        connect(to: current.backend.servers[index], serverIndex: index)
    }

    func connect(to server: ServerRuntime, serverIndex: Int) {
        guard let current = exchange else { return }
        let address: SocketAddress
        do {
            address = try server.address ?? SocketAddress(ipAddress: server.resolvedHost, port: connectionInfo.destinationPort)
        } catch {
            connectFailed(timedOut: false)
            return
        }
        let attempt = machine.connectStarted(now: monotonicNow())
        followDeadline()
        // `timeout connect` is the machine's; the socket's own limit is only a backstop behind it.
        let backstop = TimeAmount.milliseconds(Int64(current.backend.plan.timeouts.connectOrDefault) + 1_000)
        let serverName = server.serverName(request: current.request.head, connection: connectionInfo)
        loop.connect(to: address, backend: current.backend.index, server: serverIndex, timeout: backstop,
                     tls: server.trafficTLS, serverName: serverName,
                     proxyHeader: server.proxyHeader(for: connectionInfo)) { result in
            // A strong capture, held until the connect ends (the backstop bounds it): a weak one would
            // give the session a side table for the rest of its life, and every retain of it the slow path.
            guard self.machine.state == .connecting, self.machine.attempt == attempt else {
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

    /// A connect failed: the machine says whether to retry (possibly on another server) or answer 503.
    private func connectFailed(timedOut: Bool) {
        guard let current = exchange, let serverIndex = current.serverIndex else { return }
        current.backend.servers[serverIndex].connectionErrors.wrappingIncrement(ordering: .relaxed)
        current.backend.servers[serverIndex].observer?.record(.connectFailed)
        perform(machine.connectFailed(timedOut: timedOut, server: serverState()))
    }

    /// Gives up the failed server's slot and lets the balancer pick another server.
    func redispatch(from serverIndex: Int) {
        guard let current = exchange else { return }
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
        machine.connected(now: monotonicNow(), reused: reused)
        if let serverIndex = current.serverIndex { current.backend.servers[serverIndex].observer?.record(.connected) }
        if !current.persistence.stickKeys.isEmpty, let serverIndex = current.serverIndex {
            runtime.storeSticky(current.persistence.stickKeys, server: serverIndex)
            current.persistence.stickKeys = []
        }
        upstream = connection
        connection.owner = self
        connection.write(current.upstreamHead)
        if !current.requestBody.isComplete { pumpRequestBody() }
        connection.flushAtEndOfBatch(loop.flushes)
        followDeadline()
        resumeClientRead()
    }
}
