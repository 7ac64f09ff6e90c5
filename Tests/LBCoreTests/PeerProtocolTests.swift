import LBConfig
import Testing
@testable import LBCore

/// HAProxy's peers protocol without sockets: the varint, the messages' bytes (derived by hand from
/// doc/peers-v2.0.txt), the handshake checks, and round trips of table definitions and updates.
@Suite struct PeerProtocolTests {
    static let varints: [(UInt64, [UInt8])] = [
        (0, [0x00]), (239, [0xEF]), (240, [0xF0, 0x00]), (241, [0xF1, 0x00]), (2287, [0xFF, 0x7F]),
        (2288, [0xF0, 0x80, 0x00]), (264_431, [0xFF, 0xFF, 0x7F]), (264_432, [0xF0, 0x80, 0x80, 0x00]),
        (33_818_864, [0xF0, 0x80, 0x80, 0x80, 0x00]), (4_328_786_160, [0xF0, 0x80, 0x80, 0x80, 0x80, 0x00]),
        (1_800_000, [0xF0, 0xE5, 0xED, 0x05]),
    ]

    @Test(arguments: varints)
    func varintHasTheSpecifiedBytes(value: UInt64, bytes: [UInt8]) {
        #expect(PeerVarint.encoded(value) == bytes)
        var reader = PeerReader(bytes)
        #expect(reader.varint() == value)
        #expect(reader.isAtEnd)
    }

    @Test func varintRoundTripsAcrossTheRange() {
        var value: UInt64 = 1
        while value < UInt64.max / 3 {
            for candidate in [value - 1, value, value + 1] {
                var reader = PeerReader(PeerVarint.encoded(candidate))
                #expect(reader.varint() == candidate)
            }
            value *= 3
        }
        var truncated = PeerReader([0xF0, 0x80])
        #expect(truncated.varint() == nil, "a varint cut short does not decode")
    }

    @Test func controlAndErrorMessagesAreTwoBytes() {
        #expect(PeerMessage.resyncRequest.bytes == [0, 0])
        #expect(PeerMessage.resyncFinished.bytes == [0, 1])
        #expect(PeerMessage.resyncPartial.bytes == [0, 2])
        #expect(PeerMessage.resyncConfirm.bytes == [0, 3])
        #expect(PeerMessage.heartbeat.bytes == [0, 4])
        #expect(PeerMessage.protocolError.bytes == [1, 0])
        #expect(PeerMessage.sizeLimitError.bytes == [1, 1])
        #expect(PeerMessage.ack(tableID: 1, updateID: 5).bytes == [10, 0x84, 5, 1, 0, 0, 0, 5])
        #expect(PeerMessage.tableSwitch(tableID: 3).bytes == [10, 0x83, 1, 3])
    }

    func binding(keepsServer: Bool = true, stored: StickStoredData = StickStoredData(),
                 type: StickTableDeclaration.KeyType = .ip) -> PeerTableBinding {
        let declaration = StickTableDeclaration(type: type, size: 1000, expire: 1_800_000, stored: stored, location: Fixture.location(1))
        return PeerTableBinding(name: "be", declaration: declaration, serverNames: ["s1", "s2"], keepsServer: keepsServer)
    }

    @Test func tableDefinitionHasTheSpecifiedBytes() throws {
        // id 1, name "be", key type 4 (IPv4), key size 4, data types server_id (bit 0) and server_key
        // (bit 19), expire 30 min.
        let expected: [UInt8] = [10, 0x82, 0x0E, 1, 2, 0x62, 0x65, 4, 4, 0xF1, 0xF1, 0xFE, 0x00, 0xF0, 0xE5, 0xED, 0x05]
        let definition = binding().definition(id: 1)
        #expect(PeerMessage.tableDefinition(definition).bytes == expected)
        var decoder = PeerFrameDecoder()
        decoder.append(expected)
        #expect(try decoder.next() == .tableDefinition(definition))
    }

    @Test func updateHasTheSpecifiedBytesAndTheDictionaryIsSentOnce() throws {
        // Update id 7, key 127.0.0.1, server_id 2, server_key "s2" in full in slot 1; then by slot alone.
        let table = binding()
        let definition = table.definition(id: 1)
        var entry = StickTableStore.Entry(key: "127.0.0.1", server: 1, expiresAt: nil)
        entry.updateID = 7
        let update = try #require(table.update(entry, updateID: 7, expire: nil, now: 0))
        var sender = PeerDictionaryCache.Sender()
        let first = update.message(definition, dictionary: &sender).bytes
        #expect(first == [10, 0x80, 0x0E, 0, 0, 0, 7, 127, 0, 0, 1, 2, 4, 1, 2, 0x73, 0x32])
        let second = update.message(definition, dictionary: &sender).bytes
        #expect(second == [10, 0x80, 0x0B, 0, 0, 0, 7, 127, 0, 0, 1, 2, 1, 1])

        var receiver = PeerDictionaryCache.Receiver()
        var decoder = PeerFrameDecoder()
        decoder.append(first + second)
        for _ in 0..<2 {
            guard case .update(let identified, let timed, let payload)? = try decoder.next() else {
                Issue.record("expected an update")
                return
            }
            let decoded = PeerEntryUpdate.decode(payload, identified: identified, timed: timed, definition: definition, dictionary: &receiver)
            #expect(decoded == update, "the slot alone names the value sent before")
        }
        #expect(try decoder.next() == nil)
    }

    @Test func messagesArriveInAnyPieces() throws {
        let stream = PeerMessage.heartbeat.bytes + PeerMessage.ack(tableID: 300, updateID: 70_000).bytes + PeerMessage.resyncFinished.bytes
        var decoder = PeerFrameDecoder()
        var messages: [PeerMessage] = []
        for byte in stream {
            decoder.append([byte])
            while let message = try decoder.next() { messages.append(message) }
        }
        #expect(messages == [.heartbeat, .ack(tableID: 300, updateID: 70_000), .resyncFinished])
    }

    @Test func reservedClassAndOversizedPayloadAreRefused() {
        var reserved = PeerFrameDecoder()
        reserved.append([255, 0])
        #expect(throws: PeerFrameDecoder.Failure.malformed) { try reserved.next() }
        var large = PeerFrameDecoder(maximumPayload: 10)
        large.append([10, 0x80] + PeerVarint.encoded(11))
        #expect(throws: PeerFrameDecoder.Failure.tooLarge) { try large.next() }
    }

    @Test func countersAndRatesRoundTripThroughTimedUpdates() throws {
        var stored = StickStoredData()
        stored.add(.gpc0)
        stored.add(.connCount)
        stored.add(.httpRequestRate, period: 10_000)
        stored.add(.bytesOutCount)
        let table = binding(keepsServer: false, stored: stored, type: .string)
        let definition = table.definition(id: 2)
        #expect(definition.periods == [StickDataType.httpRequestRate.rawValue: 10_000])

        var source = StickTableStore(table.declaration)
        source.shareWithPeers()
        for _ in 0..<3 { _ = source.perform(.incrementGPC0, key: "alice", now: 1_000) }
        _ = source.withCounters("alice", now: 1_000) { counters, stored in
            counters.countRequest(stored, now: 1_000)
            counters.countRequest(stored, now: 1_500)
            counters.addBytes(in: 10, out: 5_000_000_000, stored, now: 1_500)
        }
        let entry = try #require(source.localChanges(after: 0, limit: 10).first)
        let update = try #require(table.update(entry, updateID: 1, expire: 60_000, now: 2_000))
        var sender = PeerDictionaryCache.Sender(), receiver = PeerDictionaryCache.Receiver()
        guard case .update(let identified, let timed, let payload) = update.message(definition, dictionary: &sender) else {
            Issue.record("expected an update")
            return
        }
        #expect(identified && timed)
        let decoded = try #require(PeerEntryUpdate.decode(payload, identified: true, timed: true, definition: definition, dictionary: &receiver))
        #expect(decoded == update)

        // The peer's table, on a clock 5 s ahead: the rate keeps its age.
        var copy = StickTableStore(table.declaration)
        table.apply(decoded, into: &copy, now: 7_000)
        let copied = copy.counters(of: "alice", now: 7_000), original = source.counters(of: "alice", now: 2_000)
        let counters = try #require(copied)
        #expect(counters.value(.gpc0, stored, now: 7_000) == 3)
        #expect(counters.value(.bytesOutCount, stored, now: 7_000) == 5_000_000_000)
        #expect(counters.value(.httpRequestRate, stored, now: 7_000) == original?.value(.httpRequestRate, stored, now: 2_000))
        #expect(counters.value(.httpRequestRate, stored, now: 7_000) == 2)
        #expect(copy.snapshot(now: 7_000).first?.expiresAt == 67_000, "a timed update sets the remaining lifetime")
        #expect(copy.localUpdate == 0, "what a peer sent is not a local change to push back")
    }

    static let keys: [(StickTableDeclaration.KeyType, String, [UInt8])] = [
        (.ip, "10.1.2.3", [10, 1, 2, 3]),
        (.ipv6, "2001:db8::1", [0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
        (.integer, "258", [0, 0, 1, 2]),
        (.string, "abc", [0x61, 0x62, 0x63]),
    ]

    @Test(arguments: keys)
    func keysHaveTheProtocolsLayout(type: StickTableDeclaration.KeyType, key: String, bytes: [UInt8]) {
        let table = binding(type: type)
        #expect(table.keyBytes(key) == bytes)
        #expect(table.key(bytes) == key)
    }

    @Test func keySizesAreHAProxys() {
        func size(_ type: StickTableDeclaration.KeyType, len: Int = 32, written: Bool = false) -> UInt64 {
            var declaration = StickTableDeclaration(type: type, keyLength: len, size: 1, location: Fixture.location(1))
            declaration.keyLengthWritten = written
            return PeerTableBinding(name: "t", declaration: declaration, serverNames: [], keepsServer: false).keySize
        }
        #expect(size(.ip) == 4)
        #expect(size(.ipv6) == 16)
        #expect(size(.integer) == 4)
        #expect(size(.string) == 32, "the default string size includes the terminating zero")
        #expect(size(.string, len: 64, written: true) == 65)
        #expect(size(.binary, len: 20, written: true) == 20)
    }

    @Test func serverIsFoundByNameBeforeID() throws {
        let table = binding()
        var store = StickTableStore(table.declaration)
        let byName = PeerEntryUpdate(updateID: 1, expire: nil, key: [10, 0, 0, 1],
                                     values: [0: .integer(1), 19: .dictionary("s2")])
        table.apply(byName, into: &store, now: 0)
        #expect(store.lookup("10.0.0.1", now: 0) == 1, "server_key s2 wins over server_id 1")
        let byID = PeerEntryUpdate(updateID: 2, expire: nil, key: [10, 0, 0, 2], values: [0: .integer(1), 19: .dictionary(nil)])
        table.apply(byID, into: &store, now: 0)
        #expect(store.lookup("10.0.0.2", now: 0) == 0)
    }

    @Test func handshakeChecksVersionNamesAndPeer() {
        let peers: Set<String> = ["a", "b"]
        #expect(PeerHandshake.hello(remote: "b", local: "a", pid: 123) == Array("HAProxyS 2.1\nb\na 123 1\n".utf8))
        #expect(PeerHandshake.check(["HAProxyS 2.1", "me", "a 12 1"], localName: "me", peers: peers) == .success("a"))
        #expect(PeerHandshake.check(["HAProxyS 2.0", "me", "a 12 1"], localName: "me", peers: peers) == .success("a"))
        #expect(PeerHandshake.check(["HAProxyS 2.2", "me", "a 12 1"], localName: "me", peers: peers) == .failure(.badVersion))
        #expect(PeerHandshake.check(["HAProxyS 3.0", "me", "a 12 1"], localName: "me", peers: peers) == .failure(.badVersion))
        #expect(PeerHandshake.check(["HAProxyX 2.1", "me", "a 12 1"], localName: "me", peers: peers) == .failure(.protocolError))
        #expect(PeerHandshake.check(["HAProxyS 2.1", "other", "a 12 1"], localName: "me", peers: peers) == .failure(.localNameMismatch))
        #expect(PeerHandshake.check(["HAProxyS 2.1", "me", "z 12 1"], localName: "me", peers: peers) == .failure(.unknownPeer))
        #expect(PeerHandshake.Status.localNameMismatch.line == Array("503\n".utf8))
    }

    @Test func lineReaderKeepsTheBytesAfterTheLines() throws {
        var reader = PeerLineReader()
        reader.append(Array("200\r\n".utf8) + [0, 4])
        #expect(try reader.nextLine() == "200")
        #expect(try reader.nextLine() == nil)
        #expect(reader.takeRest() == [0, 4])
    }

    @Test func localChangesComeInOrderWithoutStaleOnes() {
        var store = StickTableStore(StickTableDeclaration(type: .string, size: 10, expire: 1000, location: Fixture.location(1)))
        store.store("a", server: 0, now: 0)
        #expect(store.localUpdate == 0, "a table no peers share numbers nothing")
        store.shareWithPeers()
        store.store("a", server: 0, now: 0)
        store.store("b", server: 1, now: 0)
        store.store("a", server: 2, now: 0)
        #expect(store.localUpdate == 3)
        #expect(store.localChanges(after: 0, limit: 10).map(\.key) == ["b", "a"], "a's first change is superseded")
        #expect(store.localChanges(after: 2, limit: 10).map(\.key) == ["a"])
        #expect(store.localChanges(after: 3, limit: 10).isEmpty)
        #expect(store.localChanges(after: 0, limit: 1).map(\.key) == ["b"])
        for round in 0..<3000 { store.store("k\(round % 5)", server: 0, now: 0) }
        #expect(store.localChanges(after: 0, limit: 100).count == 7, "the journal is compacted, the live changes remain")
    }

    @Test func readingCountersIsNotAChange() throws {
        var stored = StickStoredData()
        stored.add(.gpc0)
        var store = StickTableStore(StickTableDeclaration(type: .ip, size: 10, stored: stored, location: Fixture.location(1)))
        store.shareWithPeers()
        let tracked = store.track("10.0.0.1", now: 0)
        let reference = try #require(tracked)
        let afterTracking = store.localUpdate
        #expect(afterTracking == 1, "tracking counts a connection: a change")
        #expect(store.perform(.read(.gpc0), on: reference, now: 0) == 0)
        #expect(store.localUpdate == afterTracking, "a read changes nothing to push")
        #expect(store.perform(.incrementGPC0, on: reference, now: 0) == 1)
        #expect(store.localUpdate == afterTracking + 1)
    }
}
