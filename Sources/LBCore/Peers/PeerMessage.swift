/// One message of HAProxy's peers protocol (after the handshake): a class byte, a type byte, and for
/// stick-table messages (type 128 and above) a varint length and that many bytes of payload.
public enum PeerMessage: Sendable, Equatable {
    /// Control class (0): resync request, finished, partial, confirm, and the heartbeat.
    case resyncRequest, resyncFinished, resyncPartial, resyncConfirm, heartbeat
    /// Error class (1): the sender closes right after.
    case protocolError, sizeLimitError
    case tableDefinition(PeerTableDefinition)
    case tableSwitch(tableID: UInt64)
    /// An entry update. `identified`: it carries its update id (else it is the previous one plus 1);
    /// `timed`: it carries the entry's remaining lifetime. The payload needs the table's definition to read.
    case update(identified: Bool, timed: Bool, payload: [UInt8])
    /// The receiver committed the sender's updates up to `updateID` of the sender's table `tableID`.
    case ack(tableID: UInt64, updateID: UInt32)
    /// A class or type this side does not know: skipped, as HAProxy skips it.
    case unknown(messageClass: UInt8, type: UInt8)

    public enum Class {
        public static let control: UInt8 = 0
        public static let error: UInt8 = 1
        public static let stickTable: UInt8 = 10
        public static let reserved: UInt8 = 255
    }

    public enum StickTableType {
        public static let update: UInt8 = 0x80
        public static let incrementalUpdate: UInt8 = 0x81
        public static let define: UInt8 = 0x82
        public static let switchTable: UInt8 = 0x83
        public static let ack: UInt8 = 0x84
        public static let timedUpdate: UInt8 = 0x85
        public static let incrementalTimedUpdate: UInt8 = 0x86
    }

    /// The message on the wire.
    public var bytes: [UInt8] {
        switch self {
        case .resyncRequest: return [Class.control, 0]
        case .resyncFinished: return [Class.control, 1]
        case .resyncPartial: return [Class.control, 2]
        case .resyncConfirm: return [Class.control, 3]
        case .heartbeat: return [Class.control, 4]
        case .protocolError: return [Class.error, 0]
        case .sizeLimitError: return [Class.error, 1]
        case .tableDefinition(let definition): return Self.frame(StickTableType.define, definition.payload)
        case .tableSwitch(let id): return Self.frame(StickTableType.switchTable, PeerVarint.encoded(id))
        case .update(let identified, let timed, let payload):
            let type = timed
                ? (identified ? StickTableType.timedUpdate : StickTableType.incrementalTimedUpdate)
                : (identified ? StickTableType.update : StickTableType.incrementalUpdate)
            return Self.frame(type, payload)
        case .ack(let table, let update):
            var payload = PeerVarint.encoded(table)
            payload.appendBigEndian(update)
            return Self.frame(StickTableType.ack, payload)
        case .unknown(let messageClass, let type): return [messageClass, type]
        }
    }

    static func frame(_ type: UInt8, _ payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [Class.stickTable, type]
        bytes.reserveCapacity(payload.count + 7)
        PeerVarint.encode(UInt64(payload.count), into: &bytes)
        bytes += payload
        return bytes
    }
}
