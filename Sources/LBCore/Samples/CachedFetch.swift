/// A fetch whose values a request computes once however many ACLs read them: the parts of a request that
/// content switching reads over and over (path, URL, query, method, a header's values, a query
/// parameter's values). `SelectionProgram` keeps these values per request (`SelectionRun+Fetch`).
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
