import LBConfig
import Testing
@testable import LBCore

/// Two `PeerSession`s wired to each other in memory: the handshake, updates into a peer's table, the
/// acknowledgements, resync requests, and the refusals, with no socket.
@Suite struct PeerSessionTests {
    static let binding = PeerTableBinding(
        name: "be", declaration: StickTableDeclaration(type: .ip, size: 100, expire: 60_000, location: Fixture.location(1)),
        serverNames: ["s1", "s2"], keepsServer: true)

    static func pair() -> (dialler: PeerSession, acceptor: PeerSession) {
        let definitions = [binding.definition(id: 1)]
        return (PeerSession(localName: "a", dialling: "b", peers: ["b"], definitions: definitions),
                PeerSession(localName: "b", dialling: nil, peers: ["a"], definitions: definitions))
    }

    static func written(_ events: [PeerSession.Event]) -> [UInt8] {
        events.flatMap { event -> [UInt8] in
            if case .write(let bytes) = event { return bytes }
            return []
        }
    }

    static func established() -> (dialler: PeerSession, acceptor: PeerSession) {
        var (dialler, acceptor) = pair()
        let answer = acceptor.receive(dialler.hello(pid: 42))
        #expect(answer == [.write(Array("200\n".utf8)), .established(peer: "a")])
        #expect(dialler.receive(written(answer)) == [.established(peer: "b")])
        return (dialler, acceptor)
    }

    @Test func handshakeThenUpdatesAndAcknowledgements() throws {
        var (dialler, acceptor) = Self.established()
        var source = StickTableStore(Self.binding.declaration)
        source.shareWithPeers()
        source.store("10.0.0.1", server: 1, now: 0)
        source.store("10.0.0.2", server: 0, now: 0)
        let updates = source.localChanges(after: 0, limit: 10).compactMap {
            Self.binding.update($0, updateID: UInt32($0.updateID), expire: nil, now: 0)
        }
        // The definition goes first, once; the bytes may arrive in any pieces.
        let bytes = dialler.encode(updates, table: 0)
        #expect(Array(bytes.prefix(2)) == [10, 0x82])
        var events: [PeerSession.Event] = []
        for chunk in stride(from: 0, to: bytes.count, by: 3) {
            events += acceptor.receive(Array(bytes[chunk..<min(chunk + 3, bytes.count)]))
        }
        var copy = StickTableStore(Self.binding.declaration)
        for event in events {
            guard case .update(let table, let update) = event else {
                Issue.record("unexpected \(event)")
                continue
            }
            #expect(table == 0)
            Self.binding.apply(update, into: &copy, now: 5)
        }
        #expect(copy.lookup("10.0.0.1", now: 5) == 1)
        #expect(copy.lookup("10.0.0.2", now: 5) == 0)

        #expect(acceptor.lastGet[1] == 2 && acceptor.lastAcked[1] == nil, "received, not acknowledged yet")
        let acks = acceptor.acknowledgements()
        #expect(acks == PeerMessage.ack(tableID: 1, updateID: 2).bytes)
        #expect(acceptor.lastAcked[1] == 2, "what show peers prints as last_acked")
        #expect(acceptor.acknowledgements().isEmpty, "each update is acknowledged once")
        #expect(dialler.receive(acks) == [.acknowledged(table: 0, updateID: 2)])
        #expect(dialler.encode([], table: 0).isEmpty, "the table was already announced")
    }

    @Test func resyncMessagesBecomeEvents() {
        var (dialler, acceptor) = Self.established()
        #expect(acceptor.receive(PeerMessage.resyncRequest.bytes) == [.resyncRequested])
        #expect(dialler.receive(PeerMessage.resyncPartial.bytes + PeerMessage.heartbeat.bytes)
            == [.resyncEnded(finished: false), .write(PeerMessage.resyncConfirm.bytes), .heartbeat])
        #expect(dialler.receive(PeerMessage.resyncFinished.bytes) == [.resyncEnded(finished: true), .write(PeerMessage.resyncConfirm.bytes)])
    }

    @Test func updatesForAnUnsharedTableAreSkipped() throws {
        var (_, acceptor) = Self.established()
        var other = PeerTableDefinition(id: 9, name: "elsewhere", keyType: .ipv4, keySize: 4, dataTypes: 1, expire: 0)
        let update = PeerEntryUpdate(updateID: 1, expire: nil, key: [1, 2, 3, 4], values: [0: .integer(1)])
        var sender = PeerDictionaryCache.Sender()
        let bytes = PeerMessage.tableDefinition(other).bytes + update.message(other, dictionary: &sender).bytes
        #expect(acceptor.receive(bytes).isEmpty)
        // Same name, another key type: not the same table either (HAProxy checks both).
        other.name = "be"
        other.keyType = .ipv6
        other.keySize = 16
        #expect(acceptor.receive(PeerMessage.tableDefinition(other).bytes).isEmpty)
        #expect(acceptor.currentRemote == nil)
    }

    @Test func refusalsCarryHAProxysStatusCodes() {
        let definitions = [Self.binding.definition(id: 1)]
        var stranger = PeerSession(localName: "z", dialling: "b", peers: ["b"], definitions: definitions)
        var acceptor = PeerSession(localName: "b", dialling: nil, peers: ["a"], definitions: definitions)
        let refusal = acceptor.receive(stranger.hello(pid: 1))
        #expect(refusal == [.write(Array("504\n".utf8)), .close])
        #expect(stranger.receive(Self.written(refusal)) == [.refused(status: 504), .close])

        let misdirected = PeerSession(localName: "a", dialling: "c", peers: ["c"], definitions: definitions)
        var other = PeerSession(localName: "b", dialling: nil, peers: ["a"], definitions: definitions)
        #expect(other.receive(misdirected.hello(pid: 1)) == [.write(Array("503\n".utf8)), .close])
        #expect(misdirected.phase == .awaitingStatus, "the dialling side waits for the status line")
    }

    @Test func aMalformedMessageIsAProtocolError() {
        var (_, acceptor) = Self.established()
        #expect(acceptor.receive([255, 0]) == [.write(PeerMessage.protocolError.bytes), .close])
        #expect(acceptor.phase == .closed)
        #expect(acceptor.protocolErrors == 1)
        var (_, second) = Self.established()
        // An update before any definition is skipped; one whose payload is cut short is an error.
        #expect(second.receive(PeerMessage.tableDefinition(Self.binding.definition(id: 1)).bytes).isEmpty)
        #expect(second.receive(PeerMessage.update(identified: true, timed: false, payload: [0, 0]).bytes)
            == [.write(PeerMessage.protocolError.bytes), .close])
    }
}
