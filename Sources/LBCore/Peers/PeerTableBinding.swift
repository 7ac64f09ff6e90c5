import LBConfig

/// One stick table as its peers see it: its definition message, and the translation between its entries
/// (string keys, server indexes) and the protocol's updates (key bytes, `server_id` and `server_key`).
public struct PeerTableBinding: Sendable {
    public let name: String
    public let declaration: StickTableDeclaration
    /// The servers entries point at, by index: `server_id` is the index plus one, `server_key` the name.
    public let serverNames: [String]
    /// Whether entries carry a server (a `stick` rule uses the table, or it stores `server_id`).
    public let keepsServer: Bool

    public init(name: String, declaration: StickTableDeclaration, serverNames: [String], keepsServer: Bool) {
        self.name = name
        self.declaration = declaration
        self.serverNames = serverNames
        self.keepsServer = keepsServer || declaration.stored.stores(.serverID)
    }

    public var keyType: PeerKeyType {
        switch declaration.type {
        case .ip: .ipv4
        case .ipv6: .ipv6
        case .integer: .integer
        case .string: .string
        case .binary: .binary
        }
    }

    /// HAProxy's key size: a written string `len` keeps one more byte for the terminating zero.
    public var keySize: UInt64 {
        switch declaration.type {
        case .ip, .integer: 4
        case .ipv6: 16
        case .string: UInt64(declaration.keyLengthWritten ? declaration.keyLength + 1 : declaration.keyLength)
        case .binary: UInt64(declaration.keyLength)
        }
    }

    /// The data types updates carry, by bit: what the table stores, and the server for persistence.
    public var dataTypes: [StickDataType] {
        var types = declaration.stored.types.filter { $0 != .serverID && $0 != .serverKey }
        if keepsServer { types += [.serverID, .serverKey] }
        return types.sorted { $0.rawValue < $1.rawValue }
    }

    public func definition(id: UInt64) -> PeerTableDefinition {
        var definition = PeerTableDefinition(id: id, name: name, keyType: keyType, keySize: keySize, dataTypes: 0,
                                             expire: UInt64(declaration.expire ?? 0))
        for type in dataTypes {
            definition.dataTypes |= 1 << UInt64(type.rawValue)
            if type.isRate { definition.periods[type.rawValue] = UInt64(declaration.stored.period(type) ?? 0) }
        }
        return definition
    }

    /// Whether updates of a peer's table can go into this one: same name, key type and key size, as
    /// HAProxy requires.
    public func accepts(_ remote: PeerTableDefinition) -> Bool {
        remote.name == name && remote.keyType == keyType && remote.keySize == keySize
    }

    /// The update telling a peer about `entry`; nil when its key cannot be written for this table type.
    public func update(_ entry: StickTableStore.Entry, updateID: UInt32?, expire: UInt32?, now: Int64) -> PeerEntryUpdate? {
        guard let key = keyBytes(entry.key) else { return nil }
        var values: [Int: PeerDataValue] = [:]
        for type in dataTypes {
            switch type {
            case .serverID: values[type.rawValue] = .integer(entry.server >= 0 ? UInt64(entry.server + 1) : 0)
            case .serverKey:
                values[type.rawValue] = .dictionary(entry.server >= 0 && entry.server < serverNames.count ? serverNames[entry.server] : nil)
            default: values[type.rawValue] = entry.counters.peerValue(type, now: now)
            }
        }
        return PeerEntryUpdate(updateID: updateID, expire: expire, key: key, values: values)
    }

    /// Takes a peer's update into `store`: the server it names (by name first, then by id, as HAProxy
    /// looks it up) and the counters both sides keep.
    public func apply(_ update: PeerEntryUpdate, into store: inout StickTableStore, now: Int64) {
        guard let key = key(update.key) else { return }
        var server: Int?
        if case .dictionary(let name?)? = update.values[StickDataType.serverKey.rawValue], let index = serverNames.firstIndex(of: name) {
            server = index
        } else if case .integer(let id)? = update.values[StickDataType.serverID.rawValue], id > 0, id <= UInt64(serverNames.count) {
            server = Int(id) - 1
        }
        let stored = declaration.stored
        store.applyRemote(key, expire: update.expire.map { Int($0) }, now: now) { entry in
            if keepsServer, let server { entry.server = server }
            for (bit, value) in update.values {
                guard let type = StickDataType(rawValue: bit), type != .serverID, type != .serverKey, stored.stores(type) else { continue }
                entry.counters.setPeerValue(type, value, now: now)
            }
        }
    }

    /// A key as the protocol carries it for this table.
    public func keyBytes(_ key: String) -> [UInt8]? {
        switch declaration.type {
        case .ip:
            guard case .v4(let value)? = IPAddress(key)?.unmapped else { return nil }
            return Self.bigEndian(value)
        case .ipv6:
            guard let address = IPAddress(key) else { return nil }
            let value: UInt128
            switch address {
            case .v4(let v4): value = 0xffff_0000_0000 | UInt128(v4)
            case .v6(let v6): value = v6
            }
            return (0..<16).map { UInt8(truncatingIfNeeded: value >> (UInt128(15 - $0) * 8)) }
        case .integer:
            guard let value = UInt32(key) ?? Int32(key).map({ UInt32(bitPattern: $0) }) else { return nil }
            return Self.bigEndian(value)
        case .string:
            return Array(key.utf8.prefix(declaration.keyLength))
        case .binary:
            let bytes = Array(key.utf8.prefix(declaration.keyLength))
            return bytes + [UInt8](repeating: 0, count: declaration.keyLength - bytes.count)
        }
    }

    /// The key a peer sent, as this table stores keys.
    public func key(_ bytes: [UInt8]) -> String? {
        switch declaration.type {
        case .ip:
            guard bytes.count == 4 else { return nil }
            return IPAddress.v4(bytes.reduce(0) { $0 << 8 | UInt32($1) }).description
        case .ipv6:
            guard bytes.count == 16 else { return nil }
            return IPAddress.v6(bytes.reduce(UInt128(0)) { $0 << 8 | UInt128($1) }).description
        case .integer:
            guard bytes.count == 4 else { return nil }
            return String(bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        case .string:
            return String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
        case .binary:
            var trimmed = bytes[...]
            while trimmed.last == 0 { trimmed = trimmed.dropLast() }
            return String(decoding: trimmed, as: UTF8.self)
        }
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }
}
