/// `balance uri [len N] [depth N] [whole] [path-only]`: the request target hashed and placed by `hash-type`.
/// Without `whole` the query is left out; `path-only` leaves out scheme and authority; `len` keeps the
/// first N characters and `depth` the first N directory levels, whichever limit comes first.
final class URIHashBalancer: Balancer {
    struct Options: Sendable, Equatable {
        var length: Int?
        var depth: Int?
        var whole = false
        var pathOnly = false

        init(arguments: [String]) {
            var iterator = arguments.makeIterator()
            while let word = iterator.next() {
                switch word {
                case "len": length = iterator.next().flatMap { Int($0) }
                case "depth": depth = iterator.next().flatMap { Int($0) }
                case "whole": whole = true
                case "path-only": pathOnly = true
                default: break
                }
            }
        }
    }

    let recipe: SnapshotRecipe
    let published: PublishedSnapshot
    let options: Options
    let hashType: HashType
    private let fallback = RotationCursor()

    init(pool: ServerPool, arguments: [String], hashType: HashType = HashType()) {
        recipe = SnapshotRecipe(pool: pool, rotates: true, placement: hashType.method)
        published = PublishedSnapshot(recipe.initialSnapshot)
        options = Options(arguments: arguments)
        self.hashType = hashType
    }

    func pick(_ snapshot: SelectionSnapshot, _ live: some ServerAvailability, request: HTTPRequestHead?,
              connection: ConnectionInfo) -> Int? {
        guard let request else { return fallback.next(snapshot, live) }
        return snapshot.server(for: hashType.hash(Self.key(request.uri, options).utf8), live)
    }

    static func key(_ uri: String, _ options: Options) -> Substring {
        let parts = RequestURI(uri)
        var start = uri.startIndex
        if options.pathOnly { start = parts.pathStart ?? parts.authorityEnd }
        var end = options.whole ? uri.endIndex : (parts.queryMark ?? uri.endIndex)
        if end < start { end = start }
        let utf8 = uri.utf8
        var cursor = start
        var characters = 0
        var slashes = 0
        while cursor < end {
            if let length = options.length, characters >= length { break }
            if utf8[cursor] == UInt8(ascii: "/") {
                slashes += 1
                if let depth = options.depth, slashes > depth { break }
            }
            characters += 1
            cursor = utf8.index(after: cursor)
        }
        return uri[start..<cursor]
    }
}
