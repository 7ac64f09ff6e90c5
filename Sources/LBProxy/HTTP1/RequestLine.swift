/// Where the three parts of a request line lie: `method SP request-target SP HTTP-version` (RFC 9112 §3).
///
/// The same walk checks a complete line and a line still arriving, byte by byte: a method is one or more
/// token characters (RFC 9110 `tchar`), a target visible ASCII (`ByteClasses.isTarget`), a version
/// `HTTP/d.d`. So the first byte that cannot be where it is refuses the request at once, as haproxy
/// does, instead of after `timeout http-request` when the line end never comes (binary garbage, a TLS
/// handshake sent to a plain port).
struct RequestLine {
    var methodEnd: Int
    var targetStart: Int
    var targetEnd: Int
    var versionStart: Int

    /// The layout of the bytes from `start` to `end`. `complete` means they are the whole line (its line
    /// end excluded); otherwise they are what has arrived so far, and the result is nil when they can
    /// still begin a valid line.
    static func scan(
        _ base: UnsafePointer<UInt8>, from start: Int, to end: Int, complete: Bool
    ) throws(HTTPParseError) -> RequestLine? {
        var cursor = start
        while cursor < end, ByteClasses.isToken(base[cursor]) { cursor += 1 }
        if cursor == end, !complete { return nil }
        guard cursor > start, cursor < end, base[cursor] == 0x20 else {
            throw HTTPParseError(reason: .badStartLine, offset: cursor)
        }
        let methodEnd = cursor
        cursor += 1
        let targetStart = cursor
        while cursor < end, ByteClasses.isTarget(base[cursor]) { cursor += 1 }
        if cursor == end, !complete { return nil }
        guard cursor > targetStart, cursor < end, base[cursor] == 0x20 else {
            throw HTTPParseError(reason: .badStartLine, offset: cursor)
        }
        let targetEnd = cursor
        cursor += 1
        let versionStart = cursor
        let versionLength = end - versionStart
        guard versionLength <= versionLengthExact, !complete || versionLength == versionLengthExact else {
            throw HTTPParseError(reason: .badStartLine, offset: versionStart)
        }
        for index in 0..<versionLength where !versionByteFits(base[versionStart + index], at: index) {
            throw HTTPParseError(reason: .badStartLine, offset: versionStart + index)
        }
        guard complete else { return nil }
        return RequestLine(methodEnd: methodEnd, targetStart: targetStart, targetEnd: targetEnd, versionStart: versionStart)
    }

    /// Checks the request line of a head that is not complete yet: the whole line when its end has
    /// arrived, else the bytes so far. Leading empty lines are skipped as `HeadScanner` skips them.
    static func checkArrived(_ base: UnsafePointer<UInt8>, count: Int) throws(HTTPParseError) {
        var start = 0
        while start < count, base[start] == 0x0d || base[start] == 0x0a { start += 1 }
        var end = start
        while end < count, base[end] != 0x0a { end += 1 }
        let complete = end < count
        // A CR is the line end's first half, whether or not its LF is here yet.
        if end > start, base[end - 1] == 0x0d { end -= 1 }
        _ = try scan(base, from: start, to: end, complete: complete)
    }

    private static let versionLengthExact = 8

    /// `HTTP/d.d`: `H`, `TTP` in any case (as lb always read it), `/`, a digit, `.`, a digit. Which
    /// versions lb speaks is `RequestHeadParser.parseVersion`'s decision.
    @inline(__always)
    private static func versionByteFits(_ byte: UInt8, at index: Int) -> Bool {
        switch index {
        case 0: byte == UInt8(ascii: "H")
        case 1, 2: byte.lowercasedASCII == UInt8(ascii: "t")
        case 3: byte.lowercasedASCII == UInt8(ascii: "p")
        case 4: byte == UInt8(ascii: "/")
        case 6: byte == UInt8(ascii: ".")
        default: byte >= 0x30 && byte <= 0x39
        }
    }
}
