import LBConfig
import LBCore
import NIOCore

/// One peers-protocol session over a TCP connection, either side: the handshake lines, then messages.
/// It pushes the shared tables' local changes, takes the peer's updates into them, acknowledges them,
/// and teaches every entry when asked for a resync. Confined to the section's event loop.
final class PeerConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Phase { case awaitingHello, awaitingStatus, established, closed }

    let state: PeersState
    /// The peer connected to this node (rather than this node dialling it).
    let accepted: Bool
    private(set) var remote: RemotePeer?
    private(set) var phase: Phase
    private var context: ChannelHandlerContext?
    private var lines = PeerLineReader()
    private var helloLines: [String] = []
    private var frames = PeerFrameDecoder()
    private(set) var lastReceived = NIODeadline.now()
    private(set) var lastSent = NIODeadline.now()
    private var wrote = false

    /// Per shared table: the last local change pushed in this session.
    private(set) var lastPushed: [UInt64]
    /// The table the last definition was sent for (updates that follow are for it).
    private(set) var lastTable: Int?
    /// The peer's tables by the id it gave them, with their definitions, and the one its updates are for.
    private(set) var remoteTables: [UInt64: (index: Int, definition: PeerTableDefinition)] = [:]
    private(set) var currentRemote: (index: Int, definition: PeerTableDefinition)?
    /// The last update id received per peer table id, and which ones to acknowledge.
    private(set) var lastGet: [UInt64: UInt32] = [:]
    private var toAcknowledge: Set<UInt64> = []
    private var sentDictionary = PeerDictionaryCache.Sender()
    private var receivedDictionary = PeerDictionaryCache.Receiver()
    var localAddress: SocketAddress?
    var peerAddress: SocketAddress?

    /// `remote`: the peer dialled (this side connects); nil for an accepted connection.
    init(state: PeersState, dialling remote: RemotePeer?) {
        self.state = state
        self.remote = remote
        accepted = remote == nil
        phase = remote == nil ? .awaitingHello : .awaitingStatus
        lastPushed = Array(repeating: 0, count: state.tables.count)
    }

    var isEstablished: Bool { phase == .established }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelActive(context: ChannelHandlerContext) {
        localAddress = context.channel.localAddress
        peerAddress = context.channel.remoteAddress
        lastReceived = .now()
        // A handshake that does not complete in time ends the connection (the dialling side has the
        // same bound through the section's silence check).
        context.eventLoop.assumeIsolated().scheduleTask(in: PeersState.silenceLimit) { [self] in
            if phase == .awaitingHello || phase == .awaitingStatus { close() }
        }
        guard let remote, phase == .awaitingStatus else { return }
        remote.statusCode = 110
        write(PeerHandshake.hello(remote: remote.name, local: state.section.localPeerName, pid: state.pid))
        flush()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        lastReceived = .now()
        switch phase {
        case .awaitingHello, .awaitingStatus:
            lines.append(bytes)
            readHandshake()
        case .established:
            frames.append(bytes)
            readMessages()
        case .closed:
            return
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        acknowledge()
        flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        phase = .closed
        if let remote { state.closed(remote, self) }
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        close()
    }

    func close() {
        guard phase != .closed else { return }
        phase = .closed
        flush()
        context?.close(promise: nil)
    }

    // MARK: Handshake

    private func readHandshake() {
        do {
            while phase == .awaitingHello || phase == .awaitingStatus, let line = try lines.nextLine() {
                if phase == .awaitingStatus {
                    receivedStatus(line)
                } else {
                    helloLines.append(line)
                    if helloLines.count == 3 { receivedHello() }
                }
            }
        } catch {
            close()
            return
        }
        if phase == .established {
            frames.append(lines.takeRest())
            readMessages()
        }
    }

    private func receivedHello() {
        let names = Set(state.remotes.map(\.name))
        switch PeerHandshake.check(helloLines, localName: state.section.localPeerName, peers: names) {
        case .failure(let status):
            write(status.line)
            close()
        case .success(let name):
            guard let remote = state.remote(named: name) else { return close() }
            self.remote = remote
            state.adopt(self, for: remote)
            write(PeerHandshake.Status.success.line)
            begin()
        }
    }

    private func receivedStatus(_ line: String) {
        guard let remote else { return close() }
        let code = PeerHandshake.status(line) ?? PeerHandshake.Status.protocolError.rawValue
        remote.statusCode = code
        remote.lastHandshake = .now()
        guard code == PeerHandshake.Status.success.rawValue else {
            remote.reconnectAt = .now() + PeersState.reconnectTimeout
            return close()
        }
        begin()
    }

    /// The session is up: pushing resumes after what the peer acknowledged last time.
    private func begin() {
        guard let remote else { return }
        phase = .established
        lastPushed = remote.acknowledged
        state.established(remote, self)
    }

    // MARK: Messages

    private func readMessages() {
        do {
            while phase == .established, let message = try frames.next() {
                handle(message)
            }
        } catch {
            protocolFailure()
        }
    }

    private func protocolFailure() {
        remote?.protocolErrors += 1
        send(.protocolError)
        close()
    }

    private func handle(_ message: PeerMessage) {
        guard let remote else { return }
        switch message {
        case .resyncRequest:
            teach()
        case .resyncFinished, .resyncPartial:
            state.learnt(from: remote, finished: message == .resyncFinished)
            send(.resyncConfirm)
        case .resyncConfirm:
            break
        case .heartbeat:
            remote.receivedHeartbeats += 1
        case .protocolError, .sizeLimitError:
            close()
        case .tableDefinition(let definition):
            remoteTables[definition.id] = nil
            currentRemote = nil
            if let index = state.tables.firstIndex(where: { $0.binding.accepts(definition) }) {
                remoteTables[definition.id] = (index, definition)
                currentRemote = (index, definition)
            }
        case .tableSwitch(let id):
            currentRemote = remoteTables[id]
        case .update(let identified, let timed, let payload):
            receivedUpdate(identified: identified, timed: timed, payload: payload)
        case .ack(let tableID, let updateID):
            guard let index = state.tables.firstIndex(where: { $0.id == tableID }) else { return }
            let local = state.tables[index].lock.withLock { $0.localUpdate }
            let behind = UInt64(UInt32(truncatingIfNeeded: local) &- updateID)
            let acknowledged = behind > local ? 0 : local - behind
            remote.acknowledged[index] = max(remote.acknowledged[index], acknowledged)
        case .unknown:
            break
        }
    }

    private func receivedUpdate(identified: Bool, timed: Bool, payload: [UInt8]) {
        // Updates for a table this node does not share are skipped, as HAProxy skips them.
        guard let current = currentRemote else { return }
        guard let update = PeerEntryUpdate.decode(payload, identified: identified, timed: timed, definition: current.definition,
                                                  dictionary: &receivedDictionary)
        else { return protocolFailure() }
        let id = current.definition.id
        lastGet[id] = update.updateID ?? (lastGet[id] ?? 0) &+ 1
        toAcknowledge.insert(id)
        let table = state.tables[current.index]
        let now = ProxyRuntime.stickClock()
        table.lock.withLock { table.binding.apply(update, into: &$0, now: now) }
    }

    private func acknowledge() {
        guard phase == .established else { return }
        for id in toAcknowledge.sorted() {
            if let last = lastGet[id] { send(.ack(tableID: id, updateID: last)) }
        }
        toAcknowledge.removeAll()
    }

    /// Sends the local changes made since the last push, table by table.
    func pushLocalChanges() {
        guard phase == .established else { return }
        let limit = 1000
        for (index, table) in state.tables.enumerated() {
            let after = lastPushed[index]
            let now = ProxyRuntime.stickClock()
            let (entries, local) = table.lock.withLock { store -> ([StickTableStore.Entry], UInt64) in
                guard store.localUpdate > after else { return ([], store.localUpdate) }
                return (store.localChanges(after: after, limit: limit), store.localUpdate)
            }
            guard local > after else { continue }
            if !entries.isEmpty {
                define(index)
                for entry in entries {
                    guard let update = table.binding.update(entry, updateID: UInt32(truncatingIfNeeded: entry.updateID), expire: nil, now: now)
                    else { continue }
                    send(update.message(definitionOf(index), dictionary: &sentDictionary))
                }
            }
            lastPushed[index] = entries.count == limit ? entries[limit - 1].updateID : local
        }
    }

    /// A full resync for the peer: every entry of every table, with its remaining lifetime, then
    /// "finished" when this node is itself up to date, "partial" otherwise.
    private func teach() {
        for (index, table) in state.tables.enumerated() {
            let now = ProxyRuntime.stickClock()
            let (entries, local) = table.lock.withLock { ($0.snapshot(now: now), $0.localUpdate) }
            define(index)
            for entry in entries.reversed() {
                let expire = entry.expiresAt.map { UInt32(clamping: max(0, $0 - now)) }
                guard let update = table.binding.update(entry, updateID: UInt32(truncatingIfNeeded: entry.updateID), expire: expire, now: now)
                else { continue }
                send(update.message(definitionOf(index), dictionary: &sentDictionary))
            }
            lastPushed[index] = max(lastPushed[index], local)
        }
        send(state.resync == .finished ? .resyncFinished : .resyncPartial)
    }

    private func definitionOf(_ index: Int) -> PeerTableDefinition {
        state.tables[index].binding.definition(id: state.tables[index].id)
    }

    /// Tells the peer which table the next updates are for (HAProxy repeats the whole definition).
    private func define(_ index: Int) {
        guard lastTable != index else { return }
        lastTable = index
        send(.tableDefinition(definitionOf(index)))
    }

    // MARK: Writing

    func send(_ message: PeerMessage) {
        write(message.bytes)
    }

    private func write(_ bytes: [UInt8]) {
        guard let context else { return }
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
