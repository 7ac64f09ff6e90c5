/// Where the parts of a request target are, without copying it.
///
/// The path runs from the first `/` to `?` (or the end); in an absolute-form target (`http://host/p?q`)
/// the scheme and authority come first and are skipped. An authority-form (`CONNECT host:443`) or
/// asterisk-form (`*`) target has no path.
struct RequestURI {
    let uri: String
    /// Start of the path, or nil when the target has none.
    let pathStart: String.Index?
    /// Index of the `?` that starts the query, or nil.
    let queryMark: String.Index?
    /// Where the path would start: the end of `scheme://authority` for absolute form, else the start.
    let authorityEnd: String.Index

    init(_ uri: String) {
        self.uri = uri
        let utf8 = uri.utf8
        queryMark = utf8.firstIndex(of: UInt8(ascii: "?"))
        let searchEnd = queryMark ?? utf8.endIndex
        var authorityEnd = utf8.startIndex
        var pathStart: String.Index?
        if let first = utf8.first, first == UInt8(ascii: "/") {
            pathStart = utf8.startIndex
        } else if let schemeRange = uri[..<searchEnd].firstRange(of: "://") {
            let afterAuthority = utf8[schemeRange.upperBound..<searchEnd].firstIndex(of: UInt8(ascii: "/"))
            authorityEnd = afterAuthority ?? searchEnd
            pathStart = afterAuthority
        }
        self.pathStart = pathStart
        self.authorityEnd = authorityEnd
    }

    var path: Substring? {
        guard let pathStart else { return nil }
        return uri[pathStart..<(queryMark ?? uri.endIndex)]
    }

    /// Path and query (`pathq`).
    var pathWithQuery: Substring? {
        guard let pathStart else { return nil }
        return uri[pathStart...]
    }

    /// Everything after the first `?`, or nil when there is no `?`.
    var query: Substring? {
        guard let queryMark else { return nil }
        return uri[uri.utf8.index(after: queryMark)...]
    }

    /// The target with its path replaced (the query and any scheme/authority are kept).
    func replacingPath(with newPath: String) -> String {
        let end = queryMark ?? uri.endIndex
        let start = pathStart ?? min(authorityEnd, end)
        return String(uri[..<start]) + newPath + String(uri[end...])
    }

    /// The target with its query replaced; an empty query removes the `?` as well.
    func replacingQuery(with newQuery: String) -> String {
        let base = uri[..<(queryMark ?? uri.endIndex)]
        return newQuery.isEmpty ? String(base) : base + "?" + newQuery
    }

    /// Every value of the query parameter `name` (`name=value` parts separated by `&`), in order.
    func forEachParameter(named name: String, _ body: (Substring) -> Bool) {
        guard let query else { return }
        // Walks the `&` separators in place (no array of parts).
        let utf8 = query.utf8
        var start = query.startIndex
        while start < query.endIndex {
            let end = utf8[start...].firstIndex(of: UInt8(ascii: "&")) ?? query.endIndex
            if start < end, let equals = utf8[start..<end].firstIndex(of: UInt8(ascii: "=")),
               query[start..<equals] == name[...] {
                if body(query[utf8.index(after: equals)..<end]) { return }
            }
            start = end < query.endIndex ? utf8.index(after: end) : end
        }
    }
}
