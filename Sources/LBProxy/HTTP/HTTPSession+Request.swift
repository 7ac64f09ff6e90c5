import LBConfig
import LBCore
import NIOCore

extension HTTPSession {
    /// Consumes buffered client bytes according to the state: parse a head, or feed the request body.
    func processInbound() {
        while true {
            switch machine.state {
            case .idle, .readingHead:
                guard let buffer = input.buffer, buffer.readableBytes > 0 else { return }
                if machine.state == .idle {
                    machine.requestStarted(now: monotonicNow())
                    followDeadline()
                }
                let parsed: ParsedRequest?
                do {
                    parsed = try requestParser.parse(buffer, scratch: loop.headerFields)
                } catch {
                    frontend.requestErrors.wrappingIncrement(ordering: .relaxed)
                    perform(machine.headInvalid())
                    return
                }
                guard let parsed else { return }
                input.buffer!.moveReaderIndex(forwardBy: parsed.headLength)
                startExchange(parsed)
            case .exchanging:
                pumpRequestBody()
                return
            case .tunnel:
                if var buffer = input.buffer, buffer.readableBytes > 0, let upstream {
                    input.buffer = nil
                    upstream.write(buffer.readSlice(length: buffer.readableBytes)!)
                }
                return
            case .routing, .queued, .connecting, .closing:
                return
            }
        }
    }

    /// A complete head arrived: run the rules and send the request on its way (or answer it here).
    func startExchange(_ parsed: ParsedRequest) {
        frontend.totalRequests.wrappingIncrement(ordering: .relaxed)
        machine.headComplete(now: monotonicNow())
        if answerMonitorRequest(parsed) { return }
        record.head = parsed.head
        captureRequest(parsed.head)
        if frontend.uniqueID != nil { assignUniqueID() }
        var head = parsed.head
        let trackers = stickTrackers
        trackers?.requestStarted()
        trackers?.inRequest = true
        defer { trackers?.inRequest = false }
        // In HTTP mode `tcp-request content` rules run for each request, before the `http-request` rules.
        if !frontend.plan.contentRules.isEmpty,
           frontend.plan.contentRules.evaluate(connection: connectionInfo, request: head, serverCounts: runtime,
                                               stickCounters: trackers) == .reject {
            frontend.deniedRequests.wrappingIncrement(ordering: .relaxed)
            reject()
            return
        }
        if !handle(frontend.plan.rules.apply(to: &head, connection: connectionInfo, serverCounts: runtime, uniqueID: record.uniqueID,
                                             stickCounters: trackers), parsed) {
            return
        }

        if let stats = frontend.plan.stats, stats.enabled, head.uri.hasPrefix(stats.uri) {
            frontend.interceptedRequests.wrappingIncrement(ordering: .relaxed)
            let (head, runtime, frontend, connection, body) = (head, runtime, frontend, connectionInfo, input.buffer)
            answerInBackground(parsed, server: "<STATS>") {
                StatsPage.respond(to: head, settings: stats, runtime: runtime, frontend: frontend, connection: connection, body: body)
            }
            return
        }
        guard let backendIndex = frontend.plan.rules.selectBackend(for: head, connection: connectionInfo, serverCounts: runtime) ?? frontend.plan.ownBackend
        else {
            perform(machine.refused(status: 503))
            return
        }
        let backend = runtime.backends[backendIndex]
        if backendIndex != frontend.plan.ownBackend {
            if !handle(backend.plan.rules.apply(to: &head, connection: connectionInfo, serverCounts: runtime, uniqueID: record.uniqueID,
                                                stickCounters: trackers), parsed) {
                return
            }
        }
        var persistence = PersistenceFacts()
        if let cookies = backend.cookies {
            let decision = cookies.decide(cookieHeaders: head.headers.values("cookie"),
                                          usable: { backend.servers[$0].acceptsPersistentRequests }, persist: backend.plan.persist,
                                          now: cookies.carriesDates ? runtime.clock.unixSeconds(at: machine.timings.requestStart) : 0)
            if let rewritten = decision.rewrittenCookieHeaders {
                head.headers.remove("cookie")
                for value in rewritten { head.headers.add("Cookie", value) }
            }
            persistence.server = decision.server
            persistence.cookieFlags = (decision.clientCookie.rawValue, UInt8(ascii: "N"))
            persistence.cookieDates = (decision.lastSeen, decision.firstSeen)
        }
        if let name = frontend.uniqueID?.header, let uniqueID = record.uniqueID { head.headers.add(name, uniqueID) }
        let mode = HTTPConnectionMode.effective(frontend: frontend.plan.connectionMode, backend: backend.plan.connectionMode)
        var upstreamHead = loop.requestHeads.take(capacity: 512, allocator: loop.allocator)
        UpstreamRequestWriter.write(
            parsed, head: head, mode: mode,
            frontendForwardFor: frontend.plan.forwardFor, backendForwardFor: backend.plan.forwardFor,
            client: connectionInfo, into: &upstreamHead)
        var request = parsed
        request.head = head
        let created = HTTPExchange(request: request, backend: backend, upstreamHead: upstreamHead, live: runtime.live)
        if !backend.plan.stickRules.isEmpty {
            if persistence.server == nil {
                persistence.server = runtime.stickyServer(backend, request: head, connection: connectionInfo)
            }
            persistence.stickKeys = runtime.stickKeysToStore(backend, request: head, connection: connectionInfo)
        }
        created.persistence = persistence
        exchange = created
        machine.routed(ExchangeRoute(
            policy: backend.exchangePolicy, mode: mode, requestBodyless: created.requestBody.isComplete, clientWantsClose: parsed.clientWantsClose,
            wantsUpgrade: parsed.wantsUpgrade))
        dispatch()
    }

    /// Applies a rule verdict; returns false when the request was answered locally.
    private func handle(_ verdict: RequestVerdict, _ parsed: ParsedRequest) -> Bool {
        switch verdict {
        case .proceed:
            return true
        case .deny(let status):
            frontend.deniedRequests.wrappingIncrement(ordering: .relaxed)
            perform(machine.refused(status: status))
        case .respond(let response):
            frontend.interceptedRequests.wrappingIncrement(ordering: .relaxed)
            answerLocally(response, parsed)
        case .authenticate(let realm):
            frontend.interceptedRequests.wrappingIncrement(ordering: .relaxed)
            var response = LocalResponse(status: 401)
            response.headers.add("www-authenticate", "Basic realm=\"\(realm)\"")
            response.headers.add("content-type", "text/html")
            response.body = Array("<html><body><h1>401 Unauthorized</h1>\nThis resource needs valid credentials.\n</body></html>\n".utf8)
            answerLocally(response, parsed)
        case .tarpit(let status):
            frontend.deniedRequests.wrappingIncrement(ordering: .relaxed)
            tarpit(status: status)
        case .reject:
            frontend.deniedRequests.wrappingIncrement(ordering: .relaxed)
            reject()
        case .useService(let name):
            frontend.interceptedRequests.wrappingIncrement(ordering: .relaxed)
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
        let keep = machine.keepsAfterLocalAnswer(requestBodyless: parsed.framing == .none, clientWantsClose: parsed.clientWantsClose,
                                                 frontendCloses: frontend.plan.connectionMode == .close)
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
            machine.exchangeEnded(now: monotonicNow(), keep: false)
            closeAfterFlush()
        }
    }

    /// The exchange is over on the client side and the connection stays: wait for the next request.
    func finishClientSide() {
        exchange = nil
        machine.exchangeEnded(now: monotonicNow(), keep: true)
        followDeadline()
        if let buffer = input.buffer, buffer.readableBytes > 0 {
            processInbound()
        } else {
            input.buffer = nil
        }
        // A stop began while this answer was promised to keep the connection: the next request, which
        // the client may already have sent, is answered (with `Connection: close`) unless none comes.
        if machine.draining { closeWhenQuiet() }
        resumeClientRead()
    }

    /// Forwards buffered request body bytes to the server, up to the end of this request's body.
    func pumpRequestBody() {
        guard let current = exchange, !current.requestBody.isComplete, let upstream, var buffer = input.buffer,
              buffer.readableBytes > 0 else { return }
        let consumed: Int
        do {
            consumed = try current.requestBody.advance(over: buffer)
        } catch {
            frontend.requestErrors.wrappingIncrement(ordering: .relaxed)
            perform(machine.requestBodyInvalid())
            return
        }
        if consumed > 0 { upstream.write(buffer.readSlice(length: consumed)!) }
        input.buffer = buffer
        perform(machine.requestBodyProgress(started: consumed > 0, complete: current.requestBody.isComplete, now: monotonicNow()))
    }
}
