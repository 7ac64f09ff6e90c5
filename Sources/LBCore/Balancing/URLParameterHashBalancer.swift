/// `balance url_param NAME`: the first value of that query parameter hashed and placed by `hash-type`;
/// round-robin when the parameter is absent.
final class URLParameterHashBalancer: Balancer {
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
        var hash: UInt32?
        if let request {
            RequestURI(request.uri).forEachParameter(named: name) { value in
                hash = hashType.hash(value.utf8)
                return true
            }
        }
        guard let hash else { return fallback.next(snapshot, live) }
        return snapshot.server(for: hash, live)
    }
}
