/// `stick-table type ip|ipv6|integer|string [len N] size N [expire T] [nopurge]`: a table of keys, each
/// pointing at the server that last took it (persistence without a cookie), and the counters `track-sc`
/// rules keep for it (rates, connection counts, general purpose counters).
public struct StickTableDeclaration: Sendable, Hashable {
    public enum KeyType: String, Sendable, Hashable {
        case ip, ipv6, integer, string, binary
    }

    public var type: KeyType
    /// Longest key kept for `string` and `binary` tables (HAProxy's default is 32); longer keys are cut.
    public var keyLength: Int
    /// Whether `len` was written: HAProxy then keeps one more byte for a string key's terminating zero,
    /// which the peers protocol's key size shows.
    public var keyLengthWritten = false
    /// Entries kept at most.
    public var size: Int
    /// An entry unused for this long (milliseconds) is forgotten; nil keeps entries until evicted.
    public var expire: Int?
    /// `nopurge`: when the table is full, new keys are not stored instead of evicting the oldest.
    public var noPurge: Bool
    /// `store ...`: the counters kept per entry.
    public var stored: StickStoredData
    /// `peers NAME`: the peers section whose nodes share this table.
    public var peers: String?
    public var location: SourceLocation

    public init(type: KeyType, keyLength: Int = 32, size: Int, expire: Int? = nil, noPurge: Bool = false,
                stored: StickStoredData = StickStoredData(), location: SourceLocation) {
        self.type = type
        self.keyLength = keyLength
        self.size = size
        self.expire = expire
        self.noPurge = noPurge
        self.stored = stored
        self.location = location
    }
}

/// `stick on|match|store-request|store-response PATTERN [table NAME] [if|unless COND]`.
public struct StickRule: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// Both `match` and `store-request`.
        case on
        /// Look the key up and send the request to the server it names.
        case match
        /// Remember the key with the server the request went to.
        case storeRequest = "store-request"
        /// Remember a key taken from the response with the server that answered.
        case storeResponse = "store-response"
    }

    public var kind: Kind
    /// The sample expression giving the key, as written (`src`, `req.cook(SID)`, `hdr(x-user),lower`).
    public var pattern: String
    /// Another proxy's table; nil means this backend's own.
    public var table: String?
    public var condition: Condition?
    public var location: SourceLocation

    public init(kind: Kind, pattern: String, table: String?, condition: Condition?, location: SourceLocation) {
        self.kind = kind
        self.pattern = pattern
        self.table = table
        self.condition = condition
        self.location = location
    }
}
