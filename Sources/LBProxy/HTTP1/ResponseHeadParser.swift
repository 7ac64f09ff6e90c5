import NIOCore

/// A response head as offsets into the receive buffer: forwarded mostly byte for byte, so the hot path
/// builds no strings for it.
struct ParsedResponse {
    var status: Int
    var isHTTP10: Bool
    var raw: RawHead
    var framingHeaders: FramingHeaders

    /// Body framing given the request method (RFC 9112 §6.3).
    func framing(requestMethodIsHEAD: Bool, requestIsCONNECT: Bool) -> BodyFraming {
        if requestMethodIsHEAD || (100..<200).contains(status) || status == 204 || status == 304 { return .none }
        if requestIsCONNECT && (200..<300).contains(status) { return .none }
        if framingHeaders.chunked { return .chunked }
        if let length = framingHeaders.contentLength { return length == 0 ? .none : .contentLength(length) }
        return .untilClose
    }

    /// The server will keep the connection open after this response.
    var serverKeepsAlive: Bool {
        if framingHeaders.connectionClose { return false }
        return !isHTTP10 || framingHeaders.connectionKeepAlive
    }
}

/// Parses response heads (RFC 9112 §4) under the configured limits. Defects give 502 to the client.
struct ResponseHeadParser {
    var maxHeadSize: Int
    var maxHeaders: Int

    func parse(
        _ buffer: ByteBuffer, scratch: HeaderFieldScratch = HeaderFieldScratch()
    ) throws(HTTPParseError) -> ParsedResponse? {
        let maxHeadSize = self.maxHeadSize, maxHeaders = self.maxHeaders
        return try buffer.withUnsafeReadableBytes { bytes throws(HTTPParseError) -> ParsedResponse? in
            guard let raw = try HeadScanner.scan(bytes, maxSize: maxHeadSize, maxHeaders: maxHeaders, skipLeadingEmptyLines: false,
                                                 into: &scratch.fields) else {
                return nil
            }
            return try Self.build(bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), raw)
        }
    }

    private static func build(_ base: UnsafePointer<UInt8>, _ raw: RawHead) throws(HTTPParseError) -> ParsedResponse {
        // Status line: HTTP/x.y SP 3DIGIT [SP reason]
        let start = raw.startLineStart, length = raw.startLineLength
        guard length >= 12 else { throw HTTPParseError(reason: .badStartLine, offset: start) }
        let version = try RequestHeadParser.parseVersion(base, start, 8)
        guard base[start + 8] == 0x20 else { throw HTTPParseError(reason: .badStartLine, offset: start + 8) }
        var status = 0
        for index in (start + 9)..<(start + 12) {
            let byte = base[index]
            guard byte >= 0x30, byte <= 0x39 else { throw HTTPParseError(reason: .badStatus, offset: index) }
            status = status * 10 + Int(byte - 0x30)
        }
        guard status >= 100, length == 12 || base[start + 12] == 0x20 else {
            throw HTTPParseError(reason: .badStatus, offset: start + 9)
        }
        var framingHeaders = FramingHeaders()
        for field in raw.fields { try framingHeaders.observe(base, field) }
        try framingHeaders.validate(at: start)
        return ParsedResponse(status: status, isHTTP10: version == .http1_0, raw: raw, framingHeaders: framingHeaders)
    }
}
