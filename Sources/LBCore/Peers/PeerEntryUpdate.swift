/// The payload of an update message: the update id (when the message carries it), the entry's remaining
/// lifetime (timed updates), the key and one value per data type of the table definition.
public struct PeerEntryUpdate: Sendable, Equatable {
    public var updateID: UInt32?
    /// Milliseconds the entry has left to live.
    public var expire: UInt32?
    /// The key as the protocol carries it: 4 or 16 address bytes, 4 integer bytes, the string's bytes,
    /// or the binary key padded to the key size.
    public var key: [UInt8]
    /// By data type bit.
    public var values: [Int: PeerDataValue]

    public init(updateID: UInt32?, expire: UInt32?, key: [UInt8], values: [Int: PeerDataValue]) {
        self.updateID = updateID
        self.expire = expire
        self.key = key
        self.values = values
    }

    /// The message carrying this update for a table defined by `definition`.
    public func message(_ definition: PeerTableDefinition, dictionary: inout PeerDictionaryCache.Sender) -> PeerMessage {
        var bytes: [UInt8] = []
        if let updateID { bytes.appendBigEndian(updateID) }
        if let expire { bytes.appendBigEndian(expire) }
        if definition.keyType == .string {
            PeerVarint.encode(UInt64(key.count), into: &bytes)
            bytes += key
        } else {
            let size = definition.keyType == .integer ? 4 : Int(definition.keySize)
            bytes += key.prefix(size)
            if key.count < size { bytes += [UInt8](repeating: 0, count: size - key.count) }
        }
        for bit in definition.dataBits {
            guard let kind = PeerDataKind.of(bit) else { continue }
            Self.encode(values[bit], kind, count: definition.arraySizes[bit], into: &bytes, dictionary: &dictionary)
        }
        return .update(identified: updateID != nil, timed: expire != nil, payload: bytes)
    }

    private static func encode(_ value: PeerDataValue?, _ kind: PeerDataKind, count: UInt64?, into bytes: inout [UInt8],
                               dictionary: inout PeerDictionaryCache.Sender) {
        switch kind {
        case .integer:
            if case .integer(let number) = value { PeerVarint.encode(number, into: &bytes) } else { bytes.append(0) }
        case .frequency:
            if case .frequency(let ago, let current, let previous) = value {
                PeerVarint.encode(ago, into: &bytes)
                PeerVarint.encode(current, into: &bytes)
                PeerVarint.encode(previous, into: &bytes)
            } else {
                bytes += [0, 0, 0]
            }
        case .dictionary:
            guard case .dictionary(let text?) = value else {
                bytes.append(0)
                return
            }
            var inner: [UInt8] = []
            let (id, known) = dictionary.id(for: text)
            PeerVarint.encode(UInt64(id + 1), into: &inner)
            if !known {
                PeerVarint.encode(UInt64(text.utf8.count), into: &inner)
                inner += text.utf8
            }
            PeerVarint.encode(UInt64(inner.count), into: &bytes)
            bytes += inner
        case .array(let element):
            let elements: [PeerDataValue]
            if case .array(let given) = value { elements = given } else { elements = [] }
            for index in 0..<Int(count ?? 0) {
                encode(index < elements.count ? elements[index] : nil, element, count: nil, into: &bytes, dictionary: &dictionary)
            }
        }
    }

    /// Reads an update payload of a table defined by `definition`; nil when malformed.
    public static func decode(_ payload: [UInt8], identified: Bool, timed: Bool, definition: PeerTableDefinition,
                              dictionary: inout PeerDictionaryCache.Receiver) -> PeerEntryUpdate? {
        var reader = PeerReader(payload)
        var update = PeerEntryUpdate(updateID: nil, expire: nil, key: [], values: [:])
        if identified {
            guard let id = reader.uint32() else { return nil }
            update.updateID = id
        }
        if timed {
            guard let expire = reader.uint32() else { return nil }
            update.expire = expire
        }
        if definition.keyType == .string {
            guard let length = reader.varint(), let key = reader.take(Int(clamping: length)) else { return nil }
            update.key = key
        } else {
            let size = definition.keyType == .integer ? 4 : Int(clamping: definition.keySize)
            guard let key = reader.take(size) else { return nil }
            update.key = key
        }
        for bit in definition.dataBits {
            guard let kind = PeerDataKind.of(bit),
                  let value = decodeValue(kind, count: definition.arraySizes[bit], &reader, dictionary: &dictionary)
            else { return nil }
            update.values[bit] = value
        }
        return update
    }

    private static func decodeValue(_ kind: PeerDataKind, count: UInt64?, _ reader: inout PeerReader,
                                    dictionary: inout PeerDictionaryCache.Receiver) -> PeerDataValue? {
        switch kind {
        case .integer:
            return reader.varint().map { .integer($0) }
        case .frequency:
            guard let ago = reader.varint(), let current = reader.varint(), let previous = reader.varint() else { return nil }
            return .frequency(ago: ago, current: current, previous: previous)
        case .dictionary:
            guard let length = reader.varint() else { return nil }
            guard length > 0 else { return .dictionary(nil) }
            guard let inner = reader.take(Int(clamping: length)) else { return nil }
            var entry = PeerReader(inner)
            guard let id = entry.varint(), id > 0, id <= UInt64(PeerDictionaryCache.size) else { return nil }
            if entry.isAtEnd { return .dictionary(dictionary.value(at: Int(id - 1))) }
            guard let valueLength = entry.varint(), let text = entry.take(Int(clamping: valueLength)) else { return nil }
            let value = String(decoding: text, as: UTF8.self)
            dictionary.store(value, at: Int(id - 1))
            return .dictionary(value)
        case .array(let element):
            var elements: [PeerDataValue] = []
            for _ in 0..<Int(clamping: count ?? 0) {
                guard let value = decodeValue(element, count: nil, &reader, dictionary: &dictionary) else { return nil }
                elements.append(value)
            }
            return .array(elements)
        }
    }
}
