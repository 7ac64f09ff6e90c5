/// `balance rdp-cookie[(NAME)]`: the RDP cookie NAME of a TCP connection's first bytes (read while
/// `tcp-request inspect-delay` holds the connection) hashed and placed by `hash-type`, so a user comes
/// back to the same server; round-robin when the connection carries no such cookie.
final class RDPCookieBalancer: Balancer {
    let recipe: SnapshotRecipe
    let published: PublishedSnapshot
    let name: String
    let hashType: HashType
    private let fallback = RotationCursor()

    init(pool: ServerPool, name: String, hashType: HashType = HashType()) {
        recipe = SnapshotRecipe(pool: pool, rotates: true, placement: hashType.method)
        published = PublishedSnapshot(recipe.initialSnapshot)
        self.name = name
        self.hashType = hashType
    }

    func pick(_ snapshot: SelectionSnapshot, _ live: some ServerAvailability, request: HTTPRequestHead?,
              connection: ConnectionInfo) -> Int? {
        guard let bytes = connection.content?.bytes,
              let value = RDPConnectionRequest.cookie(in: bytes, name: name), !value.isEmpty else {
            return fallback.next(snapshot, live)
        }
        return snapshot.server(for: hashType.hash(value.utf8), live)
    }
}
