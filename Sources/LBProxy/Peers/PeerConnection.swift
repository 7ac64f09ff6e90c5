import LBConfig
import LBCore
import NIOCore

/// A peers session on a TCP connection: carries out what `PeerSession` decides, with the section's
/// tables. It pushes the tables' local changes, takes the peer's updates into them, and teaches every
/// entry when asked for a resync. Confined to the section's event loop.
final class PeerConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let state: PeersState
    /// The peer connected to this node (rather than this node dialling it).
    let accepted: Bool
    private(set) var remote: RemotePeer?
    private(set) var session: PeerSession
    private var context: ChannelHandlerContext?
    private(set) var lastReceived = NIODeadline.now()
    private(set) var lastSent = NIODeadline.now()
    private var wrote = false
    /// The session's protocol errors already added to the peer's count.
    private var countedErrors = 0
    /// Per shared table: the last local change pushed in this session.
    private(set) var lastPushed: [UInt64]
    private(set) var localAddress: SocketAddress?
    private(set) var peerAddress: SocketAddress?

    /// `remote`: the peer dialled (this side connects); nil for an accepted connection.
    init(state: PeersState, dialling remote: RemotePeer?) {
        self.state = state
        self.remote = remote
        accepted = remote == nil
        session = PeerSession(localName: state.section.localPeerName, dialling: remote?.name, peers: Set(state.remotes.map(\.name)),
                              definitions: state.tables.map { $0.binding.definition(id: $0.id) })
        lastPushed = Array(repeating: 0, count: state.tables.count)
    }

    var isEstablished: Bool { session.phase == .established }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelActive(context: ChannelHandlerContext) {
        localAddress = context.channel.localAddress
        peerAddress = context.channel.remoteAddress
        lastReceived = .now()
        // A handshake that does not complete in time ends the connection.
        context.eventLoop.assumeIsolated().scheduleTask(in: PeersState.silenceLimit) { [self] in
            if session.phase == .awaitingHello || session.phase == .awaitingStatus { close() }
        }
        guard let remote, !accepted else { return }
        remote.statusCode = 110
        write(session.hello(pid: state.pid))
        flush()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        lastReceived = .now()
        for event in session.receive(buffer.readBytes(length: buffer.readableBytes) ?? []) {
            handle(event)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        write(session.acknowledgements())
        flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        session.markClosed()
        if let remote { state.closed(remote, self) }
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        close()
    }

    func close() {
        guard let context else { return }
        session.markClosed()
        flush()
        context.close(promise: nil)
    }

    private func handle(_ event: PeerSession.Event) {
        switch event {
        case .write(let bytes):
            write(bytes)
        case .close:
            remote?.protocolErrors += session.protocolErrors - countedErrors
            countedErrors = session.protocolErrors
            close()
        case .established(let name):
            if accepted {
                guard let peer = state.remote(named: name) else { return close() }
                remote = peer
                state.adopt(self, for: peer)
            }
            guard let remote else { return close() }
            // Pushing resumes after what the peer acknowledged last time.
            lastPushed = remote.acknowledged
            state.established(remote, self)
        case .refused(let status):
            remote?.statusCode = status
            remote?.lastHandshake = .now()
            remote?.reconnectAt = .now() + PeersState.reconnectTimeout
        case .update(let index, let update):
            let table = state.tables[index]
            let now = ProxyRuntime.stickClock()
            table.lock.withLock { table.binding.apply(update, into: &$0, now: now) }
        case .resyncRequested:
            teach()
        case .resyncEnded(let finished):
            if let remote { state.learnt(from: remote, finished: finished) }
        case .acknowledged(let index, let updateID):
            guard let remote else { return }
            let local = state.tables[index].lock.withLock { $0.localUpdate }
            let behind = UInt64(UInt32(truncatingIfNeeded: local) &- updateID)
            remote.acknowledged[index] = max(remote.acknowledged[index], behind > local ? 0 : local - behind)
        case .heartbeat:
            remote?.receivedHeartbeats += 1
        }
    }

    /// Sends the local changes made since the last push, table by table.
    func pushLocalChanges() {
        guard isEstablished else { return }
        let limit = 1000
        for (index, table) in state.tables.enumerated() {
            let after = lastPushed[index]
            let now = ProxyRuntime.stickClock()
            let (entries, local) = table.lock.withLock { store -> ([StickTableStore.Entry], UInt64) in
                guard store.localUpdate > after else { return ([], store.localUpdate) }
                return (store.localChanges(after: after, limit: limit), store.localUpdate)
            }
            guard local > after else { continue }
            let updates = entries.compactMap {
                table.binding.update($0, updateID: UInt32(truncatingIfNeeded: $0.updateID), expire: nil, now: now)
            }
            if !updates.isEmpty { write(session.encode(updates, table: index)) }
            lastPushed[index] = entries.count == limit ? entries[limit - 1].updateID : local
        }
    }

    /// A full resync for the peer: every entry of every table with its remaining lifetime, oldest first,
    /// then "finished" when this node is itself up to date, "partial" otherwise.
    private func teach() {
        for (index, table) in state.tables.enumerated() {
            let now = ProxyRuntime.stickClock()
            let (entries, local) = table.lock.withLock { ($0.snapshot(now: now), $0.localUpdate) }
            let updates = entries.reversed().compactMap { entry in
                table.binding.update(entry, updateID: UInt32(truncatingIfNeeded: entry.updateID),
                                     expire: entry.expiresAt.map { UInt32(clamping: max(0, $0 - now)) }, now: now)
            }
            write(session.encode(updates, table: index))
            lastPushed[index] = max(lastPushed[index], local)
        }
        send(state.resync.isFinished ? .resyncFinished : .resyncPartial)
    }

    // MARK: Writing

    func send(_ message: PeerMessage) {
        write(message.bytes)
    }

    private func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty, let context else { return }
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        context.write(wrapOutboundOut(buffer), promise: nil)
        lastSent = .now()
        wrote = true
    }

    func flush() {
        guard wrote, let context else { return }
        wrote = false
        context.flush()
    }
}
