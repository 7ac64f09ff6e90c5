/// How the peers protocol encodes each stored data type, by its bit number in a table definition.
public enum PeerDataKind: Sendable, Equatable {
    /// One varint (signed, unsigned and 64-bit counters alike).
    case integer
    /// A rate: milliseconds since the current period started, the current count, the previous count.
    case frequency
    /// A dictionary entry (`server_key`): a length-prefixed cache id, with the value the first time.
    case dictionary
    /// An array of `element` whose size the table definition gives.
    indirect case array(PeerDataKind)

    /// The encoding of data type `bit`; nil for a type this side does not know, whose updates cannot
    /// be read (the table is then ignored).
    public static func of(_ bit: Int) -> PeerDataKind? {
        switch bit {
        case 0, 1, 2, 4, 6, 7, 9, 11, 13, 15, 17, 20, 25: .integer
        case 3, 5, 8, 10, 12, 14, 16, 18, 21, 26: .frequency
        case 19: .dictionary
        case 22, 23: .array(.integer)
        case 24: .array(.frequency)
        default: nil
        }
    }

    public var hasPeriod: Bool {
        switch self {
        case .frequency: true
        case .array(let element): element == .frequency
        default: false
        }
    }
}

/// One stored value of an entry as the protocol carries it.
public enum PeerDataValue: Sendable, Equatable {
    case integer(UInt64)
    /// `ago`: milliseconds since the current period began.
    case frequency(ago: UInt64, current: UInt64, previous: UInt64)
    /// Nil: no value.
    case dictionary(String?)
    case array([PeerDataValue])
}
