/// A table definition message: which table the next updates are for, its key, and which data types each
/// update carries, in bit order.
public struct PeerTableDefinition: Sendable, Equatable {
    /// The sender's number for the table (acks and switches name it).
    public var id: UInt64
    public var name: String
    public var keyType: PeerKeyType
    /// The key size: 4 for ip and integer, 16 for ipv6, the (maximum) length for string and binary.
    public var keySize: UInt64
    /// Bit N set: data type N is in every update, in order.
    public var dataTypes: UInt64
    /// Milliseconds entries live; nil in definitions of older senders.
    public var expire: UInt64?
    /// Rate periods (milliseconds) by data type.
    public var periods: [Int: UInt64] = [:]
    /// Element counts of array data types.
    public var arraySizes: [Int: UInt64] = [:]

    public init(id: UInt64, name: String, keyType: PeerKeyType, keySize: UInt64, dataTypes: UInt64, expire: UInt64?,
                periods: [Int: UInt64] = [:], arraySizes: [Int: UInt64] = [:]) {
        self.id = id
        self.name = name
        self.keyType = keyType
        self.keySize = keySize
        self.dataTypes = dataTypes
        self.expire = expire
        self.periods = periods
        self.arraySizes = arraySizes
    }

    /// The data types set in `dataTypes`, lowest first.
    public var dataBits: [Int] { (0..<64).filter { dataTypes & (1 << UInt64($0)) != 0 } }

    public var payload: [UInt8] {
        var bytes: [UInt8] = []
        PeerVarint.encode(id, into: &bytes)
        PeerVarint.encode(UInt64(name.utf8.count), into: &bytes)
        bytes += name.utf8
        PeerVarint.encode(keyType.rawValue, into: &bytes)
        PeerVarint.encode(keySize, into: &bytes)
        PeerVarint.encode(dataTypes, into: &bytes)
        PeerVarint.encode(expire ?? 0, into: &bytes)
        // Each type with parameters repeats its number before them.
        for bit in dataBits {
            guard let kind = PeerDataKind.of(bit) else { continue }
            if case .array = kind {
                PeerVarint.encode(UInt64(bit), into: &bytes)
                PeerVarint.encode(arraySizes[bit] ?? 0, into: &bytes)
                if kind.hasPeriod { PeerVarint.encode(periods[bit] ?? 0, into: &bytes) }
            } else if kind.hasPeriod {
                PeerVarint.encode(UInt64(bit), into: &bytes)
                PeerVarint.encode(periods[bit] ?? 0, into: &bytes)
            }
        }
        return bytes
    }

    static func decode(_ reader: inout PeerReader) -> PeerTableDefinition? {
        guard let id = reader.varint(), let nameLength = reader.varint(), nameLength > 0,
              let name = reader.take(Int(clamping: nameLength)), let type = reader.varint(),
              let keySize = reader.varint(), let dataTypes = reader.varint()
        else { return nil }
        var definition = PeerTableDefinition(id: id, name: String(decoding: name, as: UTF8.self), keyType: PeerKeyType(rawValue: type),
                                             keySize: keySize, dataTypes: dataTypes, expire: nil)
        guard let expire = reader.varint() else { return definition }
        definition.expire = expire
        for bit in definition.dataBits {
            guard let kind = PeerDataKind.of(bit) else { continue }
            let isArray: Bool
            if case .array = kind { isArray = true } else { isArray = false }
            guard isArray || kind.hasPeriod else { continue }
            guard let prefix = reader.varint(), prefix == UInt64(bit) else { return nil }
            if isArray {
                guard let size = reader.varint() else { return nil }
                definition.arraySizes[bit] = size
            }
            if kind.hasPeriod {
                guard let period = reader.varint() else { return nil }
                definition.periods[bit] = period
            }
        }
        return definition
    }
}

/// The key types of the protocol (numbered as HAProxy's sample types were when the protocol was made).
public struct PeerKeyType: RawRepresentable, Sendable, Equatable, Hashable {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static let integer = PeerKeyType(rawValue: 2)
    public static let ipv4 = PeerKeyType(rawValue: 4)
    public static let ipv6 = PeerKeyType(rawValue: 5)
    public static let string = PeerKeyType(rawValue: 6)
    public static let binary = PeerKeyType(rawValue: 7)
}
