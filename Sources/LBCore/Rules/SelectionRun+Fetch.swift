#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the request's parts are in a `SelectionRun`'s `bytes`, once copied there (on the first fetch):
/// each fetch then finds its values as ranges of that one copy, without touching the head's strings
/// again (each access to a `String` of the head costs reference counting).
struct RequestLayout {
    var isCopied = false
    var method: Range<Int> = 0..<0
    var uri: Range<Int> = 0..<0
    var path: Range<Int>?
    var query: Range<Int>?
}

/// One header field in `bytes`: its name lowercased, its value as received.
struct HeaderSpan {
    var name: Range<Int>
    var value: Range<Int>
}

extension SelectionRun {
    /// Copies the method, the URI (and finds its path and query) and every header field into `bytes`.
    mutating func copyRequest(_ head: HTTPRequestHead) {
        layout.isCopied = true
        layout.method = append(head.method)
        layout.uri = append(head.uri)
        let base = bytes.base
        let parts = URIParts(bytes.elements(layout.uri))
        layout.path = parts.path.map { offsets($0, from: base) }
        layout.query = parts.query.map { offsets($0, from: base) }
        for field in head.headers.fields {
            let name = append(field.name)
            let from = bytes.base
            for offset in name { from[offset] = ByteMatching.fold(from[offset]) }
            fields.append(HeaderSpan(name: name, value: append(field.value)))
        }
    }

    /// Appends the value ranges (into `bytes`) of `fetch` for the copied request to `ranges`.
    mutating func appendValues(of fetch: CachedFetch) {
        switch fetch.kind {
        case .method: ranges.append(layout.method)
        case .url: ranges.append(layout.uri)
        case .path: if let path = layout.path { ranges.append(path) }
        case .query: if let query = layout.query { ranges.append(query) }
        case .urlParameter: appendParameters(named: fetch.name)
        case .header: appendHeaderValues(named: fetch.name)
        }
    }

    /// The values of the query parameters called `name`, as `URIParts.forEachParameter` finds them.
    private mutating func appendParameters(named name: String) {
        guard let query = layout.query else { return }
        let base = bytes.base
        name.withUTF8Buffer { wanted in
            var start = query.lowerBound
            while start < query.upperBound {
                var end = start
                while end < query.upperBound && base[end] != UInt8(ascii: "&") { end += 1 }
                var equals = start
                while equals < end && base[equals] != UInt8(ascii: "=") { equals += 1 }
                if equals < end, ByteMatching.isEqual(UnsafeBufferPointer(start: base + start, count: equals - start), wanted, foldCase: false) {
                    ranges.append((equals + 1)..<end)
                }
                start = end + 1
            }
        }
    }

    /// Each value of the fields called `name` (lowercase), split at commas and trimmed, in order.
    private mutating func appendHeaderValues(named name: String) {
        let base = bytes.base
        name.withUTF8Buffer { wanted in
            for index in 0..<fields.count {
                let field = fields[index]
                guard field.name.count == wanted.count,
                      memcmp(base + field.name.lowerBound, wanted.baseAddress!, wanted.count) == 0 else { continue }
                var start = field.value.lowerBound
                for position in field.value where base[position] == UInt8(ascii: ",") {
                    ranges.append(trimmed(start..<position, base))
                    start = position + 1
                }
                ranges.append(trimmed(start..<field.value.upperBound, base))
            }
        }
    }

    private func trimmed(_ range: Range<Int>, _ base: UnsafeMutablePointer<UInt8>) -> Range<Int> {
        var start = range.lowerBound, end = range.upperBound
        while start < end, base[start] == UInt8(ascii: " ") || base[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, base[end - 1] == UInt8(ascii: " ") || base[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        return start..<end
    }

    private mutating func append(_ text: String) -> Range<Int> {
        let start = bytes.count
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
        return start..<bytes.count
    }

    private func offsets(_ part: UnsafeBufferPointer<UInt8>, from base: UnsafeMutablePointer<UInt8>) -> Range<Int> {
        let start = UnsafePointer(base).distance(to: part.baseAddress ?? UnsafePointer(base))
        return start..<(start + part.count)
    }
}
