import LBConfig
import LBCore
import NIOCore

/// The server side's events: the response relayed to the client, the end of the exchange, and the server
/// going away.
extension HTTPSession {
    /// Asked after every read of the server: answered from the session's own record of the client's
    /// writability, as the client's channel is rarely in the cache by then.
    var mayReadUpstream: Bool { clientWritable && context != nil }

    func upstreamRead(_ connection: UpstreamConnection, _ buffer: ByteBuffer) {
        guard connection === upstream else { return }
        var buffer = buffer
        if machine.state == .tunnel {
            machine.serverActivity(now: monotonicNow())
            writeToClient(buffer)
            return
        }
        guard let current = exchange else { return }
        current.backend.servers[current.serverIndex!].bytesOut.wrappingIncrement(by: buffer.readableBytes, ordering: .relaxed)
        machine.serverActivity(now: monotonicNow())
        if current.responseStatus != nil {
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
                parsed = try responseParser.parse(pending, scratch: loop.headerFields)
            } catch {
                current.backend.servers[current.serverIndex!].responseErrors.wrappingIncrement(ordering: .relaxed)
                current.backend.servers[current.serverIndex!].observer?.record(.invalidResponse)
                perform(machine.responseHeadInvalid(server: serverState()))
                return
            }
            guard let response = parsed else { return }
            current.backend.servers[current.serverIndex!].observer?.record(.response(status: response.status))
            let framing = response.framing(requestMethodIsHEAD: current.isHEAD, requestIsCONNECT: current.isCONNECT)
            let step = machine.responseHead(status: response.status, serverKeepsAlive: response.serverKeepsAlive,
                                            untilClose: framing == .untilClose, now: monotonicNow(), server: serverState())
            var head = loop.responseHeads.take(capacity: response.raw.length + 32, allocator: loop.allocator)
            switch step {
            case .switchProtocols:
                ClientResponseWriter.write(response, from: pending, passUpgrade: true, connection: nil, into: &head)
                pending.moveReaderIndex(forwardBy: response.raw.length)
                writeToClient(head)
                if pending.readableBytes > 0 { writeToClient(pending) }
                current.responseBuffer = nil
                current.responseStatus = response.status
                logAsSoonAsPossible(status: 101, headBytes: 0)
                enterTunnel()
                return
            case .interim:
                // Interim answer (100 Continue...): relay it and wait for the final one.
                ClientResponseWriter.write(response, from: pending, passUpgrade: false, connection: nil, into: &head)
                pending.moveReaderIndex(forwardBy: response.raw.length)
                current.responseBuffer = pending
                writeToClient(head)
                context.flush()
                continue
            case .retry(let action):
                perform(action)
                return
            case .relay:
                relayFinalHead(response, framing: framing, pending: &pending, head: consume head, exchange: current)
                return
            }
        }
    }

    /// Starts relaying the final response: captures, stick and response rules, cookie edits, the rewritten
    /// head, and what body came with it.
    /// `head` is consumed so that the body appended to it finds it uniquely referenced (no copy).
    private func relayFinalHead(_ response: ParsedResponse, framing: BodyFraming, pending: inout ByteBuffer,
                                head: consuming ByteBuffer, exchange current: HTTPExchange) {
        current.responseStatus = response.status
        captureResponse(response, in: pending)
        if !current.backend.plan.stickRules.isEmpty { storeStickyFromResponse(response, in: pending, exchange: current) }
        var ruleFields: HTTPHeaderFields?
        if hasResponseRules(current) {
            guard let fields = applyResponseRules(response, in: pending, exchange: current) else { return }
            ruleFields = fields
        }
        current.responseBody = BodyTracker(framing)
        let keepClient = machine.progress?.keepClient ?? false
        let connectionValue: StaticString? = keepClient ? (current.request.head.version == .http1_0 ? "keep-alive" : nil) : "close"
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
        relayResponseBody(&pending, after: consume head)
    }

    /// Forwards response body bytes up to the end of the response. `head`, when given, is the rewritten
    /// response head: a small body that arrived with it is appended so that both leave in one write.
    private func relayResponseBody(_ buffer: inout ByteBuffer, after head: consuming ByteBuffer? = nil) {
        guard let current = exchange else { return }
        var pendingHead = consume head
        var overran = false
        if buffer.readableBytes > 0 {
            let consumed: Int
            do {
                consumed = try current.responseBody.advance(over: buffer)
            } catch {
                current.backend.servers[current.serverIndex!].responseErrors.wrappingIncrement(ordering: .relaxed)
                perform(machine.responseBodyInvalid(headSent: pendingHead == nil))
                return
            }
            if consumed > 0 {
                var slice = buffer.readSlice(length: consumed)!
                if pendingHead != nil, consumed <= 8192 {
                    pendingHead!.writeBuffer(&slice)
                } else {
                    if let head = pendingHead.take() { sendResponseHead(head) }
                    writeToClient(slice)
                }
            }
            overran = buffer.readableBytes > 0
        }
        if let head = pendingHead.take() { sendResponseHead(head) }
        perform(machine.responseBodyProgress(complete: current.responseBody.isComplete, overran: overran))
    }

    /// Writes a rewritten response head and gives its buffer back to the loop for the next response.
    private func sendResponseHead(_ head: ByteBuffer) {
        writeToClient(head)
        loop.responseHeads.keep(head)
    }

    func upstreamReadComplete(_ connection: UpstreamConnection) {
        guard connection === upstream else { return }
        flushClientAtEndOfBatch()
    }

    /// The response is complete: park or close the server connection, then keep or close the client.
    func finishExchange() {
        guard let current = exchange, machine.progress != nil else { return }
        loop.requestHeads.keep(current.upstreamHead)
        logRequest(status: current.responseStatus ?? -1, .normal)
        releaseServerSlot()
        if let connection = upstream {
            upstream = nil
            if machine.serverConnectionReusable && connection.isActive && !loop.stopping {
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
        if machine.finishKeepsClient {
            flushClientAtEndOfBatch()
            finishClientSide()
        } else {
            exchange = nil
            machine.exchangeEnded(now: monotonicNow(), keep: false)
            closeAfterFlush()
        }
    }

    func upstreamInputClosed(_ connection: UpstreamConnection) {
        guard connection === upstream else {
            connection.close()
            return
        }
        serverEnded(machine.serverInputEnded(server: serverState()))
    }

    func upstreamClosed(_ connection: UpstreamConnection) {
        guard connection === upstream else { return }
        serverEnded(machine.serverClosed(server: serverState()))
    }

    /// Carries out what the server's end means; a server that ended before its answer counts a response
    /// error (unless it only closed a pooled connection under the request, which is not its fault).
    private func serverEnded(_ action: ExchangeAction) {
        if machine.state != .tunnel, machine.progress?.responseStatus == nil, action != .reconnect,
           let current = exchange, let index = current.serverIndex {
            current.backend.servers[index].responseErrors.wrappingIncrement(ordering: .relaxed)
            current.backend.servers[index].observer?.record(.closedBeforeResponse)
        }
        switch action {
        case .forwardServerEnd, .endTunnel, .reconnect:
            break
        default:
            upstream?.close()
            upstream = nil
        }
        perform(action)
    }

    func upstreamWritabilityChanged(_ connection: UpstreamConnection) {
        guard connection === upstream, connection.isWritable else { return }
        resumeClientRead()
    }

    /// After a 101: relay bytes both ways untouched under `timeout tunnel`.
    private func enterTunnel() {
        if var buffer = input.buffer, buffer.readableBytes > 0 {
            upstream?.write(buffer.readSlice(length: buffer.readableBytes)!)
        }
        input.buffer = nil
        upstream?.flushIfNeeded()
        context.flush()
        followDeadline()
        resumeClientRead()
    }
}
