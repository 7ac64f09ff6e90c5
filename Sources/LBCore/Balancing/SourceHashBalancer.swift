/// `balance source`: the client address hashed (see `HashType.hash(source:)`) and placed by the backend's
/// `hash-type`; round-robin when the connection has no IP source (a unix socket).
final class SourceHashBalancer: Balancer {
    let recipe: SnapshotRecipe
    let published: PublishedSnapshot
    let hashType: HashType
    private let fallback = RotationCursor()

    init(pool: ServerPool, hashType: HashType = HashType()) {
        recipe = SnapshotRecipe(pool: pool, rotates: true, placement: hashType.method)
        published = PublishedSnapshot(recipe.initialSnapshot)
        self.hashType = hashType
    }

    func pick(_ snapshot: SelectionSnapshot, _ live: some ServerAvailability, request: HTTPRequestHead?,
              connection: ConnectionInfo) -> Int? {
        guard let source = connection.source else { return fallback.next(snapshot, live) }
        return snapshot.server(for: hashType.hash(source: source), live)
    }
}
