import LBConfig

/// `hash-type map-based|consistent [sdbm|djb2|wt6|crc32|none] [avalanche]`: how the hash-based algorithms
/// (`source`, `uri`, `url_param`, `hdr`) turn a key into a 32-bit hash and the hash into a server.
public struct HashType: Sendable, Equatable {
    public enum Method: String, Sendable {
        /// A table with each server in proportion to its weight, indexed by `hash % size`. Any change to
        /// the servers or their weights reshuffles most keys.
        case mapBased = "map-based"
        /// A ring of weight-proportional points per server: a change moves only the keys of the servers
        /// that changed.
        case consistent
    }

    public var method: Method
    public var function: HashFunction
    /// Apply `Avalanche.mix` to the function's result.
    public var avalanche: Bool

    /// HAProxy's default: map-based sdbm without avalanche.
    public init(method: Method = .mapBased, function: HashFunction = .sdbm, avalanche: Bool = false) {
        self.method = method
        self.function = function
        self.avalanche = avalanche
    }

    /// From the words after `hash-type`, as the parser validated them (method, then an optional function,
    /// then an optional `avalanche`); no words is the default. As in HAProxy, a bare `hash-type consistent`
    /// means sdbm *with* avalanche (without it, sdbm keys that differ in their last byte would crowd one
    /// arc of the ring), while naming a function leaves avalanche off unless it is written.
    public init(words: [String]) {
        self.init()
        guard let first = words.first else { return }
        method = Method(rawValue: first) ?? .mapBased
        if words.count >= 2 {
            function = HashFunction(rawValue: words[1]) ?? .sdbm
            avalanche = words.count >= 3 && words[2] == "avalanche"
        } else {
            avalanche = method == .consistent
        }
    }

    /// The hash of a key's bytes (a URI, a parameter or header value).
    @inline(__always)
    func hash(_ key: some Sequence<UInt8>) -> UInt32 {
        let value = function.hash(key)
        return avalanche ? Avalanche.mix(value) : value
    }

    /// The hash of a client address for `balance source`. As in HAProxy, the configured function is not
    /// used: the address's 32-bit words are XORed together (an IPv4 address is its own number) and only
    /// the avalanche modifier applies. An IPv4-mapped IPv6 address hashes as the IPv4 address it carries,
    /// so a client keeps its server on a dual-stack listener.
    func hash(source address: IPAddress) -> UInt32 {
        let folded: UInt32
        switch address.unmapped {
        case .v4(let value):
            folded = value
        case .v6(let value):
            folded = UInt32(truncatingIfNeeded: value >> 96) ^ UInt32(truncatingIfNeeded: value >> 64)
                ^ UInt32(truncatingIfNeeded: value >> 32) ^ UInt32(truncatingIfNeeded: value)
        }
        return avalanche ? Avalanche.mix(folded) : folded
    }
}
