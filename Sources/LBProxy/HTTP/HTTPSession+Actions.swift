import LBCore
import NIOCore

/// Carrying out what the exchange's state machine decided, in HTTP/1's terms.
extension HTTPSession {
    func perform(_ action: ExchangeAction) {
        switch action {
        case .none:
            break
        case .answerError(let status, let termination):
            respondError(status, termination)
        case .close:
            cancelTimer()
            closeClient()
        case .abort(let termination):
            abortBoth(termination)
        case .clientGone(let status, let termination):
            logRequest(status: status, termination)
            cancelTimer()
            releaseServerSlot()
            upstream?.close()
            upstream = nil
            ownIdleUpstream?.close()
            ownIdleUpstream = nil
            exchange = nil
        case .retrySameServer(let pause):
            countRetry(redispatch: false)
            dropFailedAttempt()
            retrySameServer(after: pause)
        case .redispatch(let countsRetry):
            countRetry(countsRetry: countsRetry, redispatch: true)
            dropFailedAttempt()
            redispatchSoon()
        case .reconnect:
            // Same server, same slot, on a fresh connection (with the usual retries if that fails).
            upstream?.close()
            upstream = nil
            reconnect()
        case .finish:
            finishExchange()
        case .forwardServerEnd:
            // Pass the server's FIN on to the client; the other direction may still flow.
            context.flush()
            context.close(mode: .output, promise: nil)
        case .forwardClientEnd:
            upstream?.shutdownOutput()
        case .inspectionOver:
            // Content inspection is a TCP-mode step; an HTTP session never arms it.
            break
        case .endTunnel:
            upstream = nil
            logRequest(status: 101, .normal)
            closeAfterFlush()
        }
        followDeadline()
    }

    /// Lets go of a failed attempt's connection and answer before the request goes out again.
    private func dropFailedAttempt() {
        upstream?.close()
        upstream = nil
        guard let current = exchange else { return }
        current.responseStatus = nil
        current.responseBuffer = nil
        current.responseBody = BodyTracker(.none)
        current.persistence.cookieFlags.1 = UInt8(ascii: "-")
    }

    func writeToClient(_ buffer: ByteBuffer) {
        frontend.bytesOut.wrappingIncrement(by: buffer.readableBytes, ordering: .relaxed)
        machine.bytesOut &+= Int64(buffer.readableBytes)
        context.write(wrapOutboundOut(buffer), promise: nil)
    }

    /// Flushes what was written and closes the connection once it has gone out.
    func closeAfterFlush() {
        cancelTimer()
        context.closeOnceSent()
    }

    /// Closes both sides at once (errors, aborts, timeouts during data), logging the request in flight
    /// with `termination`.
    func abortBoth(_ termination: Termination) {
        if exchange != nil { logRequest(status: exchange?.responseStatus ?? -1, termination) }
        cancelTimer()
        releaseServerSlot()
        upstream?.close()
        upstream = nil
        exchange = nil
        closeClient()
    }

    /// Sends what was written to the client once the loop's batch of events is over (`DeferredFlushes`).
    func flushClientAtEndOfBatch() {
        guard !clientFlushQueued else { return }
        clientFlushQueued = true
        loop.flushes.add(self)
    }

    func flushDeferred() {
        clientFlushQueued = false
        guard clientOpen, let context else { return }
        context.flush()
    }

    /// Closes the client connection after sending what was written to it: flushes wait for the end of
    /// the loop's batch of events (`DeferredFlushes`), and a close fails writes not flushed yet.
    func closeClient() {
        guard let context else { return }
        context.flush()
        context.close(promise: nil)
    }

    /// Answers with one of lb's error pages, logs the request with `termination` and closes the
    /// connection.
    func respondError(_ status: Int, _ termination: Termination) {
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

    /// Gives up the queue place, the wait for a particular server and the server slot.
    func releaseServerSlot() {
        leaveQueue()
        guard let current = exchange, current.holdsServerSlot, let index = current.serverIndex else { return }
        current.holdsServerSlot = false
        current.backend.releaseSlot(index)
    }
}
