import LBCore
import NIOCore

/// A request head taken off the wire, with what the proxy needs to forward it.
struct ParsedRequest {
    var head: HTTPRequestHead
    /// Bytes the head took in the input, leading empty lines included.
    var headLength: Int
    var framing: BodyFraming
    /// The client asked to close after this exchange (`Connection: close`, or HTTP/1.0 without keep-alive).
    var clientWantsClose: Bool
    /// `Connection: upgrade` together with an `Upgrade` header.
    var wantsUpgrade: Bool
    var expectContinue: Bool
    /// Header names the client declared hop-by-hop in `Connection:`, lowercased.
    var connectionOptions: [String]
}

/// Parses request heads (RFC 9112 §3) under the configured limits.
struct RequestHeadParser {
    var maxHeadSize: Int
    var maxHeaders: Int

    /// Returns nil while the head is incomplete; throws as soon as the bytes so far cannot begin a
    /// valid request (see `RequestLine`).
    func parse(
        _ buffer: ByteBuffer, scratch: HeaderFieldScratch = HeaderFieldScratch()
    ) throws(HTTPParseError) -> ParsedRequest? {
        let maxHeadSize = self.maxHeadSize, maxHeaders = self.maxHeaders
        return try buffer.withUnsafeReadableBytes { bytes throws(HTTPParseError) -> ParsedRequest? in
            guard let raw = try HeadScanner.scan(bytes, maxSize: maxHeadSize, maxHeaders: maxHeaders, skipLeadingEmptyLines: true,
                                                 into: &scratch.fields) else {
                if let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) {
                    try RequestLine.checkArrived(base, count: bytes.count)
                }
                return nil
            }
            return try Self.build(bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), raw)
        }
    }

    private static func build(_ base: UnsafePointer<UInt8>, _ raw: RawHead) throws(HTTPParseError) -> ParsedRequest {
        let lineStart = raw.startLineStart, lineEnd = raw.startLineStart + raw.startLineLength
        guard let line = try RequestLine.scan(base, from: lineStart, to: lineEnd, complete: true) else {
            throw HTTPParseError(reason: .badStartLine, offset: lineStart)
        }
        let method = string(base, lineStart, line.methodEnd - lineStart)
        let uri = string(base, line.targetStart, line.targetEnd - line.targetStart)
        let version = try parseVersion(base, line.versionStart, lineEnd - line.versionStart)

        var framingHeaders = FramingHeaders()
        var fields: [HTTPHeaderFields.Field] = []
        fields.reserveCapacity(raw.fields.count)
        for field in raw.fields {
            try framingHeaders.observe(base, field)
            fields.append(HTTPHeaderFields.Field(
                name: string(base, field.nameStart, field.nameLength),
                value: string(base, field.valueStart, field.valueLength)))
        }
        try framingHeaders.validate(at: lineEnd)
        if framingHeaders.hasTransferEncoding && version == .http1_0 {
            // HTTP/1.0 has no chunked coding: the body length cannot be trusted.
            throw HTTPParseError(reason: .badTransferEncoding, offset: lineEnd)
        }
        var headers = HTTPHeaderFields(fields)
        if let length = framingHeaders.contentLength, headers.values("content-length").count > 1
            || headers.first("content-length") != String(length) {
            // Identical duplicates (`5, 5` or two lines) are folded into one canonical field.
            headers.set("Content-Length", String(length))
        }
        let framing: BodyFraming
        if framingHeaders.chunked {
            framing = .chunked
        } else if let length = framingHeaders.contentLength, length > 0 {
            framing = .contentLength(length)
        } else {
            framing = .none
        }
        let wantsClose = framingHeaders.connectionClose || (version == .http1_0 && !framingHeaders.connectionKeepAlive)
        return ParsedRequest(
            head: HTTPRequestHead(method: method, uri: uri, version: version, headers: headers),
            headLength: raw.length,
            framing: framing,
            clientWantsClose: wantsClose,
            wantsUpgrade: framingHeaders.connectionUpgrade && framingHeaders.hasUpgradeHeader,
            expectContinue: framingHeaders.expectContinue,
            connectionOptions: framingHeaders.connectionOptions)
    }

    static func parseVersion(_ base: UnsafePointer<UInt8>, _ start: Int, _ length: Int) throws(HTTPParseError) -> HTTPVersion {
        guard length == 8, HeadScanner.nameEquals(base, start, 5, "http/"), base[start] == UInt8(ascii: "H"),
              base[start + 6] == UInt8(ascii: "."),
              (0x30...0x39).contains(base[start + 5]), (0x30...0x39).contains(base[start + 7])
        else { throw HTTPParseError(reason: .badStartLine, offset: start) }
        let version = HTTPVersion(major: Int(base[start + 5] - 0x30), minor: Int(base[start + 7] - 0x30))
        guard version.major == 1, version.minor <= 1 else {
            throw HTTPParseError(reason: .unsupportedVersion, offset: start)
        }
        return version
    }

    @inline(__always)
    static func string(_ base: UnsafePointer<UInt8>, _ start: Int, _ count: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: base + start, count: count), as: UTF8.self)
    }
}
