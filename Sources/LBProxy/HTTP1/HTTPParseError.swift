/// Why a request or response head (or a chunked body) was refused. `offset` is the byte offset in the
/// message where the fault was found, for error reports.
struct HTTPParseError: Error, Hashable, CustomStringConvertible {
    enum Reason: String, Hashable {
        case headTooLarge = "header block larger than tune.bufsize"
        case tooManyHeaders = "more header lines than tune.http.maxhdr"
        case badStartLine = "malformed start line"
        case unsupportedVersion = "unsupported HTTP version"
        case badHeaderName = "empty header name or forbidden character in a header name"
        case badHeaderValue = "forbidden character in a header value"
        case obsoleteLineFolding = "obsolete header line folding"
        case badContentLength = "invalid Content-Length"
        case conflictingContentLength = "several different Content-Length values"
        case contentLengthWithTransferEncoding = "Content-Length together with Transfer-Encoding"
        case badTransferEncoding = "Transfer-Encoding whose last coding is not chunked"
        case badChunk = "malformed chunked body"
        case badStatus = "malformed status code"
    }
    var reason: Reason
    var offset: Int

    var description: String { "\(reason.rawValue) at byte \(offset)" }
}
