/// `balance hdr(NAME) [use_domain_only]`: the header's value hashed and placed by `hash-type`; round-robin
/// when the header is missing. `use_domain_only` hashes only the registrable name's main label
/// (`www.example.org:8080` → `example`), so a site's hosts share a server.
struct HeaderHashBalancer: Balancer {
    let pool: ServerPool
    let name: String
    let useDomainOnly: Bool
    let hashType: HashType
    private var placement: HashPlacement
    private var fallback: RoundRobinBalancer

    init(pool: ServerPool, name: String, useDomainOnly: Bool, hashType: HashType = HashType()) {
        self.pool = pool
        self.name = name
        self.useDomainOnly = useDomainOnly
        self.hashType = hashType
        placement = HashPlacement(hashType.method, pool: pool)
        fallback = RoundRobinBalancer(pool: pool)
    }

    mutating func pick(_ availability: some ServerAvailability, request: HTTPRequestHead?, connection: ConnectionInfo) -> Int? {
        guard let value = request?.headers.first(name).map({ $0.trimmingASCIIBlanks() }), !value.isEmpty else {
            return fallback.pick(availability, request: request, connection: connection)
        }
        let key = useDomainOnly ? Self.domain(value) : value
        return placement.server(for: hashType.hash(key.utf8), availability, pool: pool)
    }

    static func domain(_ host: Substring) -> Substring {
        if host.hasPrefix("[") { return host }  // an IPv6 literal has no domain
        var name = host
        if let colon = name.lastIndex(of: ":") { name = name[..<colon] }
        let labels = name.split(separator: ".")
        return labels.count >= 2 ? labels[labels.count - 2] : name
    }
}
