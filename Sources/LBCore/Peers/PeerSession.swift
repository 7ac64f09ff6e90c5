/// One peers-protocol session, either side, without I/O: bytes in, events out. It runs the handshake,
/// keeps what the peer said about its tables (definitions, the table its updates are for, the last
/// update id to acknowledge, the dictionary cache), and writes this side's updates, announcing each
/// table before its first update. What to push and what to do with the peer's updates is the caller's.
public struct PeerSession {
    public enum Phase: Sendable, Equatable { case awaitingHello, awaitingStatus, established, closed }

    public enum Event: Sendable, Equatable {
        /// Bytes to send.
        case write([UInt8])
        /// The handshake succeeded with the peer so named.
        case established(peer: String)
        /// The accepting side answered this status (not 200), or sent something that is not a status.
        case refused(status: Int)
        /// An entry of the local table `table` as the peer has it.
        case update(table: Int, PeerEntryUpdate)
        /// The peer asks for every entry of every table.
        case resyncRequested
        /// The peer finished teaching; `finished`: it was itself up to date.
        case resyncEnded(finished: Bool)
        /// The peer committed this side's updates of table `table` up to `updateID`.
        case acknowledged(table: Int, updateID: UInt32)
        case heartbeat
        /// Close the connection (after writing what came before).
        case close
    }

    public let localName: String
    public private(set) var peerName: String?
    public private(set) var phase: Phase
    private let peers: Set<String>
    /// This side's tables, by index, as announced to the peer.
    public let definitions: [PeerTableDefinition]
    private var lines = PeerLineReader()
    private var helloLines: [String] = []
    private var frames = PeerFrameDecoder()
    /// The local table the last definition written was for.
    public private(set) var lastTable: Int?
    /// The peer's tables that match local ones, by the id the peer gave them.
    public private(set) var remoteTables: [UInt64: (index: Int, definition: PeerTableDefinition)] = [:]
    /// The table the peer's next updates are for; nil when it is one this side does not share.
    public private(set) var currentRemote: (index: Int, definition: PeerTableDefinition)?
    /// The last update id received, by the peer's table id.
    public private(set) var lastGet: [UInt64: UInt32] = [:]
    /// The last update id this side acknowledged, per remote table id.
    public private(set) var lastAcked: [UInt64: UInt32] = [:]
    private var toAcknowledge: Set<UInt64> = []
    public private(set) var sentDictionary = PeerDictionaryCache.Sender()
    public private(set) var receivedDictionary = PeerDictionaryCache.Receiver()
    public private(set) var protocolErrors = 0

    /// `dialling`: the peer this side connects to (it then speaks first); nil on the accepting side,
    /// which takes any of `peers`.
    public init(localName: String, dialling peer: String?, peers: Set<String>, definitions: [PeerTableDefinition]) {
        self.localName = localName
        self.peerName = peer
        self.peers = peers
        self.definitions = definitions
        phase = peer == nil ? .awaitingHello : .awaitingStatus
    }

    /// The dialling side's first words.
    public func hello(pid: Int32) -> [UInt8] {
        PeerHandshake.hello(remote: peerName ?? "", local: localName, pid: pid)
    }

    public mutating func receive(_ bytes: [UInt8]) -> [Event] {
        var events: [Event] = []
        switch phase {
        case .awaitingHello, .awaitingStatus:
            lines.append(bytes)
            readHandshake(&events)
        case .established:
            frames.append(bytes)
            readMessages(&events)
        case .closed:
            break
        }
        return events
    }

    /// Acknowledgements of the updates received since the last call.
    public mutating func acknowledgements() -> [UInt8] {
        guard phase == .established else { return [] }
        var bytes: [UInt8] = []
        for id in toAcknowledge.sorted() {
            guard let last = lastGet[id] else { continue }
            bytes += PeerMessage.ack(tableID: id, updateID: last).bytes
            lastAcked[id] = last
        }
        toAcknowledge.removeAll()
        return bytes
    }

    /// The messages carrying `updates` of local table `table`, preceded by its definition when the
    /// last updates written were for another table (HAProxy repeats the whole definition).
    public mutating func encode(_ updates: [PeerEntryUpdate], table: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        if lastTable != table {
            lastTable = table
            bytes += PeerMessage.tableDefinition(definitions[table]).bytes
        }
        for update in updates { bytes += update.message(definitions[table], dictionary: &sentDictionary).bytes }
        return bytes
    }

    public mutating func markClosed() { phase = .closed }

    // MARK: Handshake

    private mutating func readHandshake(_ events: inout [Event]) {
        do {
            while phase == .awaitingHello || phase == .awaitingStatus, let line = try lines.nextLine() {
                if phase == .awaitingStatus {
                    receivedStatus(line, &events)
                } else {
                    helloLines.append(line)
                    if helloLines.count == 3 { receivedHello(&events) }
                }
            }
        } catch {
            fail(&events)
            return
        }
        if phase == .established {
            frames.append(lines.takeRest())
            readMessages(&events)
        }
    }

    private mutating func receivedHello(_ events: inout [Event]) {
        switch PeerHandshake.check(helloLines, localName: localName, peers: peers) {
        case .failure(let status):
            events += [.write(status.line), .close]
            phase = .closed
        case .success(let name):
            peerName = name
            phase = .established
            events += [.write(PeerHandshake.Status.success.line), .established(peer: name)]
        }
    }

    private mutating func receivedStatus(_ line: String, _ events: inout [Event]) {
        let code = PeerHandshake.status(line) ?? PeerHandshake.Status.protocolError.rawValue
        guard code == PeerHandshake.Status.success.rawValue, let peerName else {
            events += [.refused(status: code), .close]
            phase = .closed
            return
        }
        phase = .established
        events.append(.established(peer: peerName))
    }

    private mutating func fail(_ events: inout [Event]) {
        events.append(.close)
        phase = .closed
    }

    // MARK: Messages

    private mutating func readMessages(_ events: inout [Event]) {
        do {
            while phase == .established, let message = try frames.next() {
                handle(message, &events)
            }
        } catch {
            protocolFailure(&events)
        }
    }

    private mutating func protocolFailure(_ events: inout [Event]) {
        protocolErrors += 1
        events += [.write(PeerMessage.protocolError.bytes), .close]
        phase = .closed
    }

    private mutating func handle(_ message: PeerMessage, _ events: inout [Event]) {
        switch message {
        case .resyncRequest:
            events.append(.resyncRequested)
        case .resyncFinished, .resyncPartial:
            events += [.resyncEnded(finished: message == .resyncFinished), .write(PeerMessage.resyncConfirm.bytes)]
        case .resyncConfirm, .unknown:
            break
        case .heartbeat:
            events.append(.heartbeat)
        case .protocolError, .sizeLimitError:
            fail(&events)
        case .tableDefinition(let definition):
            remoteTables[definition.id] = nil
            currentRemote = nil
            if let index = definitions.firstIndex(where: {
                $0.name == definition.name && $0.keyType == definition.keyType && $0.keySize == definition.keySize
            }) {
                remoteTables[definition.id] = (index, definition)
                currentRemote = (index, definition)
            }
        case .tableSwitch(let id):
            currentRemote = remoteTables[id]
        case .update(let identified, let timed, let payload):
            // Updates for a table this side does not share are skipped, as HAProxy skips them.
            guard let current = currentRemote else { return }
            guard let update = PeerEntryUpdate.decode(payload, identified: identified, timed: timed, definition: current.definition,
                                                      dictionary: &receivedDictionary)
            else { return protocolFailure(&events) }
            let id = current.definition.id
            lastGet[id] = update.updateID ?? (lastGet[id] ?? 0) &+ 1
            toAcknowledge.insert(id)
            events.append(.update(table: current.index, update))
        case .ack(let tableID, let updateID):
            if let index = definitions.firstIndex(where: { $0.id == tableID }) {
                events.append(.acknowledged(table: index, updateID: updateID))
            }
        }
    }
}
