/// `balance hdr(NAME) [use_domain_only]`: the header's value hashed and placed by `hash-type`; round-robin
/// when the header is missing. `use_domain_only` hashes only the registrable name's main label
/// (`www.example.org:8080` → `example`), so a site's hosts share a server.
final class HeaderHashBalancer: Balancer {
    let recipe: SnapshotRecipe
    let published: PublishedSnapshot
    let name: String
    let useDomainOnly: Bool
    let hashType: HashType
    private let fallback = RotationCursor()

    init(pool: ServerPool, name: String, useDomainOnly: Bool, hashType: HashType = HashType()) {
        recipe = SnapshotRecipe(pool: pool, rotates: true, placement: hashType.method)
        published = PublishedSnapshot(recipe.initialSnapshot)
        self.name = name
        self.useDomainOnly = useDomainOnly
        self.hashType = hashType
    }

    func pick(_ snapshot: SelectionSnapshot, _ live: some ServerAvailability, request: HTTPRequestHead?,
              connection: ConnectionInfo) -> Int? {
        guard let value = request?.headers.first(name).map({ $0.trimmingASCIIBlanks() }), !value.isEmpty else {
            return fallback.next(snapshot, live)
        }
        let key = useDomainOnly ? Self.domain(value) : value
        return snapshot.server(for: hashType.hash(key.utf8), live)
    }

    static func domain(_ host: Substring) -> Substring {
        if host.hasPrefix("[") { return host }  // an IPv6 literal has no domain
        var name = host
        if let colon = name.lastIndex(of: ":") { name = name[..<colon] }
        let labels = name.split(separator: ".")
        return labels.count >= 2 ? labels[labels.count - 2] : name
    }
}
