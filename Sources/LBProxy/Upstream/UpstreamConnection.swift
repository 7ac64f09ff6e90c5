import NIOCore

/// The receiving end of a connection to a server. It belongs to one session at a time (or sits idle in
/// the pool) and passes bytes and events to its owner. Confined to its event loop.
final class UpstreamConnection: ChannelDuplexHandler, DeferredFlushTarget {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let backendIndex: Int
    let serverIndex: Int
    /// The SNI its TLS handshake sent (nil: none, or a plain connection). A pooled connection serves
    /// only requests whose `sni` evaluates to the same name, as HAProxy keys its idle connections.
    let serverName: String?
    /// The PROXY header it began with (`send-proxy`): a pooled connection serves only requests from a
    /// client with the same addresses, as HAProxy keys its idle connections.
    let proxyHeader: [UInt8]?
    private(set) var context: ChannelHandlerContext?
    /// The session using this connection, nil while idle. A strong reference: the session clears it when
    /// it lets the connection go (parked or closed) and the connection clears it when its channel ends.
    /// A weak one would move every session's reference count to a side table, and each retain of the
    /// session (every pipeline event) onto the runtime's slow path.
    var owner: UpstreamOwner?
    /// The pool of the loop it was opened on, which accounts for it from its first request to its close.
    /// The pool lives as long as its loop.
    let pool: UpstreamPool
    /// Where the pool counts it.
    enum Usage { case none, used, idle }
    var usage = Usage.none
    /// Its index in the pool's idle list while idle (-1 otherwise), for O(1) removal.
    var poolSlot = -1
    /// Requests this connection has carried (reuse statistics; 0 for a fresh one).
    var requestsServed = 0
    private var readPending = false
    /// Bytes were written since the last flush.
    private var needsFlush = false
    /// A flush at the end of the loop's batch is already asked for.
    private var flushQueued = false
    /// Neither side has closed it yet, as far as lb knows: false from lb's close or the channel's end.
    private var open = true

    private let live: LiveObjects

    init(backendIndex: Int, serverIndex: Int, serverName: String? = nil, proxyHeader: [UInt8]? = nil,
         pool: UpstreamPool, live: LiveObjects) {
        self.backendIndex = backendIndex
        self.serverIndex = serverIndex
        self.serverName = serverName
        self.proxyHeader = proxyHeader
        self.pool = pool
        self.live = live
        live.created(.upstreamConnection)
    }

    deinit { live.released(.upstreamConnection) }

    /// Connected and not closed. It is asked of connected connections only (parked, or carrying a
    /// request), and answered from this handler's own state rather than the channel's.
    var isActive: Bool { open && context != nil }
    /// Whether the channel takes more writes, as its writability events last said. Kept here so that
    /// asking costs no visit to the channel, which with many connections is rarely in the cache.
    var isWritable: Bool { writable && context != nil }
    private var writable = true

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if let owner {
            owner.upstreamRead(self, buffer)
        } else {
            // An idle server connection must stay silent; anything else means it cannot be reused.
            pool.closed(self)
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        owner?.upstreamReadComplete(self)
    }

    func channelInactive(context: ChannelHandlerContext) {
        open = false
        pool.closed(self)
        owner?.upstreamClosed(self)
        owner = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            if let owner {
                owner.upstreamInputClosed(self)
            } else {
                pool.closed(self)
                context.close(promise: nil)
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        writable = context.channel.isWritable
        owner?.upstreamWritabilityChanged(self)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    /// Holds reads back while the owner cannot take more (its client is not writable).
    func read(context: ChannelHandlerContext) {
        if let owner, !owner.mayReadUpstream {
            readPending = true
            return
        }
        context.read()
    }

    /// Resumes reading if a read was held back.
    func resumeReading() {
        guard readPending, let context else { return }
        readPending = false
        context.read()
    }

    /// Queues bytes; they leave at the next flush (one system call for what a read of the client brought).
    func write(_ buffer: ByteBuffer) {
        context?.write(wrapOutboundOut(buffer), promise: nil)
        needsFlush = true
    }

    func flush() {
        needsFlush = false
        context?.flush()
    }

    func flushIfNeeded() {
        if needsFlush { flush() }
    }

    /// Flushes what was written once the loop's current batch of events is over.
    /// What was written is no longer pending for `flushIfNeeded` (the client's read-complete would send
    /// it at once), only for the flush at the end of the batch.
    func flushAtEndOfBatch(_ flushes: DeferredFlushes) {
        guard needsFlush else { return }
        needsFlush = false
        guard !flushQueued else { return }
        flushQueued = true
        flushes.add(self)
    }

    func flushDeferred() {
        flushQueued = false
        if open { flush() }
    }

    func close() {
        open = false
        owner = nil
        context?.close(promise: nil)
    }

    /// Half-closes the write side (forwards a client's FIN in tunnels and TCP mode).
    func shutdownOutput() {
        context?.close(mode: .output, promise: nil)
    }
}

/// What owns an upstream connection: an HTTP session (or a TCP session).
protocol UpstreamOwner: AnyObject {
    var mayReadUpstream: Bool { get }
    func upstreamRead(_ connection: UpstreamConnection, _ buffer: ByteBuffer)
    func upstreamReadComplete(_ connection: UpstreamConnection)
    func upstreamClosed(_ connection: UpstreamConnection)
    func upstreamInputClosed(_ connection: UpstreamConnection)
    func upstreamWritabilityChanged(_ connection: UpstreamConnection)
}
