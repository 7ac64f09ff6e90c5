import LBConfig
import LBCore
import NIOCore

extension HTTPSession {
    /// Consumes buffered client bytes according to the phase: parse a head, or feed the request body.
    func processInbound() {
        while true {
            switch phase {
            case .waitingRequest, .readingHead:
                guard let buffer = inbound, buffer.readableBytes > 0 else { return }
                if phase == .waitingRequest {
                    phase = .readingHead
                    timings.requestStart = monotonicNow()
                    // Later requests get `timeout http-request` from their first byte.
                    if requestsServed > 0 { arm(.requestHead, timeouts.requestHead) }
                }
                let parsed: ParsedRequest?
                do {
                    parsed = try requestParser.parse(buffer)
                } catch {
                    frontend.requestErrors.wrappingIncrement(ordering: .relaxed)
                    respondError(400, .by(.proxy, .request))
                    return
                }
                guard let parsed else { return }
                inbound!.moveReaderIndex(forwardBy: parsed.headLength)
                startExchange(parsed)
            case .exchanging:
                pumpRequestBody()
                return
            case .tunnel:
                if var buffer = inbound, buffer.readableBytes > 0, let upstream {
                    inbound = nil
                    upstream.write(buffer.readSlice(length: buffer.readableBytes)!)
                    upstreamNeedsFlush = true
                }
                return
            case .connecting, .closing:
                return
            }
        }
    }

    /// A complete head arrived: run the rules and send the request on its way (or answer it here).
    func startExchange(_ parsed: ParsedRequest) {
        frontend.totalRequests.wrappingIncrement(ordering: .relaxed)
        timer.pause()
        timings.headDone = monotonicNow()
        loggedHead = parsed.head
        captureRequest(parsed.head)
        if frontend.uniqueID != nil { assignUniqueID() }
        var head = parsed.head
        if !handle(frontend.plan.rules.apply(to: &head, connection: connectionInfo, serverCounts: nil, uniqueID: uniqueID), parsed) {
            return
        }

        if let stats = frontend.plan.stats, stats.enabled, head.uri.hasPrefix(stats.uri) {
            let (head, runtime, frontend, connection, body) = (head, runtime, frontend, connectionInfo, inbound)
            answerInBackground(parsed, server: "<STATS>") {
                StatsPage.respond(to: head, settings: stats, runtime: runtime, frontend: frontend, connection: connection, body: body)
            }
            return
        }
        guard let backendIndex = frontend.plan.rules.selectBackend(for: head, connection: connectionInfo) ?? frontend.plan.ownBackend
        else {
            respondError(503, .by(.proxy, .request))
            return
        }
        let backend = runtime.backends[backendIndex]
        if backendIndex != frontend.plan.ownBackend {
            if !handle(backend.plan.rules.apply(to: &head, connection: connectionInfo, serverCounts: nil, uniqueID: uniqueID), parsed) {
                return
            }
        }
        var persistence: CookiePersistence.RequestDecision?
        if let cookies = backend.cookies {
            let decision = cookies.decide(cookieHeaders: head.headers.values("cookie"),
                                          usable: { backend.servers[$0].acceptsPersistentRequests }, persist: backend.plan.persist,
                                          now: cookies.carriesDates ? runtime.clock.unixSeconds(at: timings.requestStart) : 0)
            if let rewritten = decision.rewrittenCookieHeaders {
                head.headers.remove("cookie")
                for value in rewritten { head.headers.add("Cookie", value) }
            }
            persistence = decision
        }
        if let name = frontend.uniqueID?.header, let uniqueID { head.headers.add(name, uniqueID) }
        let mode = HTTPConnectionMode.effective(frontend: frontend.plan.connectionMode, backend: backend.plan.connectionMode)
        var upstreamHead = context.channel.allocator.buffer(capacity: 512)
        UpstreamRequestWriter.write(
            parsed, head: head, mode: mode,
            frontendForwardFor: frontend.plan.forwardFor, backendForwardFor: backend.plan.forwardFor,
            client: connectionInfo, into: &upstreamHead)
        var request = parsed
        request.head = head
        let created = HTTPExchange(request: request, backend: backend, mode: mode, upstreamHead: upstreamHead, live: runtime.live)
        if let persistence {
            created.persistentServer = persistence.server
            created.cookieFlags = (persistence.clientCookie.rawValue, UInt8(ascii: "N"))
            created.cookieDates = (persistence.lastSeen, persistence.firstSeen)
        }
        if !backend.plan.stickRules.isEmpty {
            if created.persistentServer == nil {
                created.persistentServer = runtime.stickyServer(backend, request: head, connection: connectionInfo)
            }
            created.stickKeys = runtime.stickKeysToStore(backend, request: head, connection: connectionInfo)
        }
        exchange = created
        phase = .connecting
        dispatch()
    }

    /// Applies a rule verdict; returns false when the request was answered locally.
    private func handle(_ verdict: RequestVerdict, _ parsed: ParsedRequest) -> Bool {
        switch verdict {
        case .proceed:
            return true
        case .deny(let status):
            frontend.deniedRequests.wrappingIncrement(ordering: .relaxed)
            respondError(status, .by(.proxy, .request))
        case .respond(let response):
            answerLocally(response, parsed)
        case .authenticate(let realm):
            var response = LocalResponse(status: 401)
            response.headers.add("www-authenticate", "Basic realm=\"\(realm)\"")
            response.headers.add("content-type", "text/html")
            response.body = Array("<html><body><h1>401 Unauthorized</h1>\nThis resource needs valid credentials.\n</body></html>\n".utf8)
            answerLocally(response, parsed)
        case .useService(let name):
            let (head, runtime) = (parsed.head, runtime)
            answerInBackground(parsed, server: LocalServices.serverName(of: name)) {
                LocalServices.answer(service: name, to: head, runtime: runtime)
            }
        }
        return false
    }

    /// Sends a response built by lb itself. The connection stays open when the request had no body
    /// (nothing is left to skip) and the client and mode allow it.
    func answerLocally(_ response: LocalResponse, _ parsed: ParsedRequest, server: String = "<NOSRV>") {
        let keep = parsed.framing == .none && !parsed.clientWantsClose && !draining && !clientInputClosed
            && frontend.plan.connectionMode != .close
        var buffer = context.channel.allocator.buffer(capacity: 256 + response.body.count)
        let connectionValue: String? = keep ? (parsed.head.version == .http1_0 ? "keep-alive" : nil) : "close"
        ErrorPages.serialize(response, connection: connectionValue, headOnly: parsed.head.method == "HEAD", into: &buffer)
        writeToClient(buffer)
        logRequest(status: response.status, .by(.local, .request), serverName: server)
        exchange = nil
        if keep {
            context.flush()
            finishClientSide()
        } else {
            closeAfterFlush()
        }
    }

    /// Answers with one of lb's error pages, logs the request with `termination` and closes the
    /// connection.
    func respondError(_ status: Int, _ termination: Termination) {
        stopWaitingForServer()
        releaseServerSlot()
        upstream?.close()
        upstream = nil
        var buffer = context.channel.allocator.buffer(capacity: 256)
        buffer.writeBytes(ErrorPages.bytes(for: status))
        writeToClient(buffer)
        logRequest(status: status, termination)
        exchange = nil
        closeAfterFlush()
    }

    /// The exchange is over on the client side and the connection stays: wait for the next request.
    func finishClientSide() {
        requestsServed += 1
        exchange = nil
        phase = .waitingRequest
        arm(.keepAlive, timeouts.keepAliveIdle)
        if let buffer = inbound, buffer.readableBytes > 0 {
            processInbound()
        } else {
            inbound = nil
        }
        // A stop began while this answer was promised to keep the connection: the next request, which
        // the client may already have sent, is answered (with `Connection: close`) unless none comes.
        if draining { closeWhenQuiet() }
        resumeClientRead()
    }

    /// Forwards buffered request body bytes to the server, up to the end of this request's body.
    func pumpRequestBody() {
        guard let current = exchange, !current.requestBody.isComplete, let upstream, var buffer = inbound,
              buffer.readableBytes > 0 else { return }
        let consumed: Int
        do {
            consumed = try current.requestBody.advance(over: buffer)
        } catch {
            frontend.requestErrors.wrappingIncrement(ordering: .relaxed)
            if current.response == nil { respondError(400, .by(.proxy, .data)) } else { abortBoth(.by(.proxy, .data)) }
            return
        }
        if consumed > 0 {
            upstream.write(buffer.readSlice(length: consumed)!)
            upstreamNeedsFlush = true
            current.requestBodyStarted = true
        }
        inbound = buffer
        if current.requestBody.isComplete {
            arm(.server, current.backend.plan.timeouts.server)
            if current.response != nil, current.responseBody.isComplete { finishExchange() }
        }
    }
}
