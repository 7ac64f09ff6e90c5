/// How the body of a message is delimited (RFC 9112 §6.3).
enum BodyFraming: Hashable {
    case none
    case contentLength(UInt64)
    case chunked
    /// The body runs until the server closes the connection (responses only).
    case untilClose
}

/// The header facts that decide framing and connection handling, gathered while scanning fields.
struct FramingHeaders {
    var contentLength: UInt64?
    var hasTransferEncoding = false
    var chunked = false
    var connectionClose = false
    var connectionKeepAlive = false
    var connectionUpgrade = false
    var hasUpgradeHeader = false
    var expectContinue = false
    /// Extra header names listed in `Connection:` (hop-by-hop by declaration), lowercased.
    var connectionOptions: [String] = []

    /// Examines one field; throws on an invalid or conflicting Content-Length or Transfer-Encoding.
    mutating func observe(_ base: UnsafePointer<UInt8>, _ field: HeaderFieldRange) throws(HTTPParseError) {
        let name = field.nameStart, length = field.nameLength
        switch length {
        case 14 where HeadScanner.nameEquals(base, name, length, "content-length"):
            try observeContentLength(base, field)
        case 17 where HeadScanner.nameEquals(base, name, length, "transfer-encoding"):
            try observeTransferEncoding(base, field)
        case 10 where HeadScanner.nameEquals(base, name, length, "connection"):
            Self.forEachListElement(base, field) { start, count in
                if Self.equals(base, start, count, "close") {
                    connectionClose = true
                } else if Self.equals(base, start, count, "keep-alive") {
                    connectionKeepAlive = true
                } else if Self.equals(base, start, count, "upgrade") {
                    connectionUpgrade = true
                } else {
                    connectionOptions.append(String(decoding: UnsafeBufferPointer(start: base + start, count: count), as: UTF8.self).lowercased())
                }
            }
        case 7 where HeadScanner.nameEquals(base, name, length, "upgrade"):
            hasUpgradeHeader = true
        case 6 where HeadScanner.nameEquals(base, name, length, "expect"):
            if Self.equals(base, field.valueStart, field.valueLength, "100-continue") { expectContinue = true }
        default:
            break
        }
    }

    private mutating func observeContentLength(_ base: UnsafePointer<UInt8>, _ field: HeaderFieldRange) throws(HTTPParseError) {
        if field.valueLength == 0 { throw HTTPParseError(reason: .badContentLength, offset: field.valueStart) }
        var failure: HTTPParseError? = nil
        Self.forEachListElement(base, field, keepEmpty: true) { start, count in
            guard failure == nil else { return }
            guard count > 0, count <= 19 else {
                failure = HTTPParseError(reason: .badContentLength, offset: start)
                return
            }
            var value: UInt64 = 0
            for index in start..<(start + count) {
                let byte = base[index]
                guard byte >= 0x30, byte <= 0x39 else {
                    failure = HTTPParseError(reason: .badContentLength, offset: index)
                    return
                }
                value = value * 10 + UInt64(byte - 0x30)
            }
            if let existing = contentLength, existing != value {
                failure = HTTPParseError(reason: .conflictingContentLength, offset: start)
            }
            contentLength = value
        }
        if let failure { throw failure }
    }

    private mutating func observeTransferEncoding(_ base: UnsafePointer<UInt8>, _ field: HeaderFieldRange) throws(HTTPParseError) {
        hasTransferEncoding = true
        var failure: HTTPParseError? = nil
        Self.forEachListElement(base, field) { start, count in
            // `chunked` must be the last coding and appear only once; anything after it is refused.
            if chunked { failure = failure ?? HTTPParseError(reason: .badTransferEncoding, offset: start) }
            if Self.equals(base, start, count, "chunked") { chunked = true }
        }
        if let failure { throw failure }
        if !chunked { throw HTTPParseError(reason: .badTransferEncoding, offset: field.valueStart) }
    }

    /// Checks the combination once every field was seen.
    func validate(at offset: Int) throws(HTTPParseError) {
        if hasTransferEncoding && contentLength != nil {
            throw HTTPParseError(reason: .contentLengthWithTransferEncoding, offset: offset)
        }
    }

    /// Calls `body` with each comma-separated element of the field's value, trimmed of whitespace.
    private static func forEachListElement(
        _ base: UnsafePointer<UInt8>, _ field: HeaderFieldRange, keepEmpty: Bool = false, _ body: (Int, Int) -> Void
    ) {
        var start = field.valueStart
        let end = field.valueStart + field.valueLength
        while start <= end {
            var stop = start
            while stop < end, base[stop] != UInt8(ascii: ",") { stop += 1 }
            var elementStart = start, elementEnd = stop
            while elementStart < elementEnd, base[elementStart] == 0x20 || base[elementStart] == 0x09 { elementStart += 1 }
            while elementEnd > elementStart, base[elementEnd - 1] == 0x20 || base[elementEnd - 1] == 0x09 { elementEnd -= 1 }
            if elementEnd > elementStart || keepEmpty { body(elementStart, elementEnd - elementStart) }
            start = stop + 1
        }
    }

    @inline(__always)
    static func equals(_ base: UnsafePointer<UInt8>, _ start: Int, _ count: Int, _ lowercase: StaticString) -> Bool {
        HeadScanner.nameEquals(base, start, count, lowercase)
    }
}
