/// A fetch whose values a request computes once however many ACLs read them: the parts of a request that
/// content switching reads over and over (path, URL, query, method, a header's values, a query
/// parameter's values). `SelectionProgram` keeps these values per request.
struct CachedFetch: Sendable, Hashable {
    enum Kind: UInt8, Sendable {
        case path, url, query, method, header, urlParameter
    }
    let kind: Kind
    /// The header name (lowercase) or the parameter name; empty for the other kinds.
    let name: String

    /// The cached form of `fetch`, or nil when the fetch is not one of the cached kinds.
    init?(_ fetch: SampleFetch) {
        switch fetch {
        case .path: (kind, name) = (.path, "")
        case .url: (kind, name) = (.url, "")
        case .query: (kind, name) = (.query, "")
        case .method: (kind, name) = (.method, "")
        case .header(let header, occurrence: nil): (kind, name) = (.header, header.lowercased())
        case .urlParameter(let parameter): (kind, name) = (.urlParameter, parameter)
        default: return nil
        }
    }

    /// Each value of the fetch for `head`, in order, as UTF-8 bytes: what `SampleFetch.forEachValue`
    /// yields, found on bytes (the `?` with `memchr`) rather than through `String` indexes.
    func forEachValue(in head: HTTPRequestHead, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        switch kind {
        case .method: head.method.withUTF8Buffer(body)
        case .url: head.uri.withUTF8Buffer(body)
        case .path, .query, .urlParameter:
            head.uri.withUTF8Buffer { uri in
                let parts = URIParts(uri)
                switch kind {
                case .path: if let path = parts.path { body(path) }
                case .query: if let query = parts.query { body(query) }
                default: parts.forEachParameter(named: name, body)
                }
            }
        case .header:
            name.withUTF8Buffer { wanted in
                for field in head.headers.fields {
                    let sameName = field.name.withUTF8Buffer { ByteMatching.isEqual($0, wanted, foldCase: true) }
                    guard sameName else { continue }
                    field.value.withUTF8Buffer { value in
                        var start = 0
                        for index in 0..<value.count where value[index] == UInt8(ascii: ",") {
                            body(Self.trimmingBlanks(value, start..<index))
                            start = index + 1
                        }
                        body(Self.trimmingBlanks(value, start..<value.count))
                    }
                }
            }
        }
    }

    static func trimmingBlanks(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        var start = range.lowerBound, end = range.upperBound
        while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }
}

/// `RequestURI` on bytes: the path runs from the first `/` to `?` (or the end), after `scheme://authority`
/// in an absolute-form target; the query is everything after the first `?`.
struct URIParts {
    let path: UnsafeBufferPointer<UInt8>?
    let query: UnsafeBufferPointer<UInt8>?

    init(_ uri: UnsafeBufferPointer<UInt8>) {
        let queryMark = uri.firstIndex(of: UInt8(ascii: "?"))
        let searchEnd = queryMark ?? uri.count
        query = queryMark.map { UnsafeBufferPointer(rebasing: uri[($0 + 1)...]) }
        if uri.first == UInt8(ascii: "/") {
            path = UnsafeBufferPointer(rebasing: uri[0..<searchEnd])
        } else if let scheme = Self.schemeSeparatorEnd(uri, before: searchEnd),
                  let slash = uri[scheme..<searchEnd].firstIndex(of: UInt8(ascii: "/")) {
            path = UnsafeBufferPointer(rebasing: uri[slash..<searchEnd])
        } else {
            path = nil
        }
    }

    /// The index just after the first `://` that ends before `end`.
    private static func schemeSeparatorEnd(_ uri: UnsafeBufferPointer<UInt8>, before end: Int) -> Int? {
        guard end >= 3 else { return nil }
        for index in 0...(end - 3) where uri[index] == UInt8(ascii: ":") && uri[index + 1] == UInt8(ascii: "/")
            && uri[index + 2] == UInt8(ascii: "/") {
            return index + 3
        }
        return nil
    }

    /// The values of the query parameters called `name` (`name=value` parts separated by `&`), in order.
    func forEachParameter(named name: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard let query else { return }
        name.withUTF8Buffer { wanted in
            var start = 0
            while start < query.count {
                let end = query[start...].firstIndex(of: UInt8(ascii: "&")) ?? query.count
                if let equals = query[start..<end].firstIndex(of: UInt8(ascii: "=")),
                   ByteMatching.isEqual(UnsafeBufferPointer(rebasing: query[start..<equals]), wanted, foldCase: false) {
                    body(UnsafeBufferPointer(rebasing: query[(equals + 1)..<end]))
                }
                start = end + 1
            }
        }
    }
}

extension String {
    /// Runs `body` over the string's UTF-8 bytes without copying them when the string is native (all of
    /// lb's request strings are).
    @inline(__always)
    func withUTF8Buffer<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(utf8).withUnsafeBufferPointer(body)
    }
}
