/// Cuts the bytes of an established peers session into messages. Bytes arrive in any pieces; a message
/// is returned once whole.
public struct PeerFrameDecoder {
    public enum Failure: Error, Equatable {
        /// A class the protocol reserves, a malformed length or definition.
        case malformed
        /// A payload larger than `maximumPayload`.
        case tooLarge
    }

    private var buffer: [UInt8] = []
    private var start = 0
    public let maximumPayload: Int

    public init(maximumPayload: Int = 1 << 20) {
        self.maximumPayload = maximumPayload
    }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 4096, start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole message, nil when more bytes are needed.
    public mutating func next() throws(Failure) -> PeerMessage? {
        guard buffer.count - start >= 2 else { return nil }
        let messageClass = buffer[start], type = buffer[start + 1]
        guard messageClass != PeerMessage.Class.reserved else { throw .malformed }
        guard type >= 0x80 else {
            start += 2
            return Self.simple(messageClass, type)
        }
        var reader = PeerReader(buffer, from: start + 2)
        guard let length = reader.varint() else {
            if buffer.count - start >= 2 + 10 { throw .malformed }
            return nil
        }
        guard length <= UInt64(maximumPayload) else { throw .tooLarge }
        guard reader.remaining >= Int(length) else { return nil }
        let payloadStart = reader.position
        let payloadEnd = payloadStart + Int(length)
        start = payloadEnd
        guard messageClass == PeerMessage.Class.stickTable else { return .unknown(messageClass: messageClass, type: type) }
        var payload = PeerReader(buffer, from: payloadStart, to: payloadEnd)
        switch type {
        case PeerMessage.StickTableType.define:
            guard let definition = PeerTableDefinition.decode(&payload) else { throw .malformed }
            return .tableDefinition(definition)
        case PeerMessage.StickTableType.switchTable:
            guard let id = payload.varint() else { throw .malformed }
            return .tableSwitch(tableID: id)
        case PeerMessage.StickTableType.ack:
            guard let table = payload.varint(), let update = payload.uint32() else { throw .malformed }
            return .ack(tableID: table, updateID: update)
        case PeerMessage.StickTableType.update, PeerMessage.StickTableType.incrementalUpdate,
             PeerMessage.StickTableType.timedUpdate, PeerMessage.StickTableType.incrementalTimedUpdate:
            let identified = type == PeerMessage.StickTableType.update || type == PeerMessage.StickTableType.timedUpdate
            let timed = type == PeerMessage.StickTableType.timedUpdate || type == PeerMessage.StickTableType.incrementalTimedUpdate
            return .update(identified: identified, timed: timed, payload: Array(buffer[payloadStart..<payloadEnd]))
        default:
            return .unknown(messageClass: messageClass, type: type)
        }
    }

    static func simple(_ messageClass: UInt8, _ type: UInt8) -> PeerMessage {
        switch (messageClass, type) {
        case (PeerMessage.Class.control, 0): .resyncRequest
        case (PeerMessage.Class.control, 1): .resyncFinished
        case (PeerMessage.Class.control, 2): .resyncPartial
        case (PeerMessage.Class.control, 3): .resyncConfirm
        case (PeerMessage.Class.control, 4): .heartbeat
        case (PeerMessage.Class.error, 0): .protocolError
        case (PeerMessage.Class.error, 1): .sizeLimitError
        default: .unknown(messageClass: messageClass, type: type)
        }
    }
}
