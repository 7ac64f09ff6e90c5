import LBCore
import NIOCore

/// The short HTML answers lb sends when it cannot forward a request, as complete wire bytes, built once.
enum ErrorPages {
    static let reasons: [Int: String] = [
        200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
        405: "Method Not Allowed", 407: "Proxy Authentication Required", 408: "Request Timeout",
        410: "Gone", 413: "Payload Too Large", 414: "URI Too Long", 421: "Misdirected Request",
        425: "Too Early", 429: "Too Many Requests", 431: "Request Header Fields Too Large",
        500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
        503: "Service Unavailable", 504: "Gateway Timeout", 505: "HTTP Version Not Supported",
        301: "Moved Permanently", 302: "Found", 303: "See Other", 307: "Temporary Redirect",
        308: "Permanent Redirect", 204: "No Content", 201: "Created", 202: "Accepted",
    ]

    static let explanations: [Int: String] = [
        400: "The request could not be understood.",
        401: "This resource needs valid credentials.",
        403: "The request was refused by the proxy's rules.",
        408: "The request was not received in time.",
        500: "The proxy met an internal error.",
        501: "The request uses a feature the proxy does not support.",
        502: "The server sent an invalid or incomplete response.",
        503: "No server is available to handle this request.",
        504: "The server did not answer in time.",
    ]

    static func reason(_ status: Int) -> String { reasons[status] ?? "Status \(status)" }

    /// The body of an error page.
    static func body(for status: Int) -> [UInt8] {
        Array("<html><body><h1>\(status) \(reason(status))</h1>\n\(explanations[status] ?? "")\n</body></html>\n".utf8)
    }

    /// Head and body of an error page, always with `Connection: close` (the connection ends after it).
    static func page(status: Int, extraHeaders: [(String, String)] = []) -> [UInt8] {
        let body = String(decoding: self.body(for: status), as: UTF8.self)
        var head = "HTTP/1.1 \(status) \(reason(status))\r\n"
        head += "content-length: \(body.utf8.count)\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n"
        for (name, value) in extraHeaders { head += "\(name): \(value)\r\n" }
        head += "connection: close\r\n\r\n"
        return Array((head + body).utf8)
    }

    /// Pages for the statuses the proxy produces on its own, prepared at start.
    static let prepared: [Int: [UInt8]] = {
        var pages: [Int: [UInt8]] = [:]
        for status in [400, 403, 408, 500, 501, 502, 503, 504] { pages[status] = page(status: status) }
        return pages
    }()

    static func bytes(for status: Int) -> [UInt8] { prepared[status] ?? page(status: status) }

    /// Serializes a `LocalResponse` (from `http-request return`, `redirect`, the stats page...).
    /// `connection` is the `Connection` value to announce (nil: none, the HTTP/1.1 default of keep-alive).
    static func serialize(_ response: LocalResponse, connection: String?, headOnly: Bool, into buffer: inout ByteBuffer) {
        buffer.writeString("HTTP/1.1 \(response.status) \(reason(response.status))\r\n")
        var hasLength = false
        for field in response.headers {
            if field.name.equalsIgnoringASCIICase("content-length") { hasLength = true }
            if field.name.equalsIgnoringASCIICase("connection") { continue }
            buffer.writeString(field.name)
            buffer.writeStaticString(": ")
            buffer.writeString(field.value)
            buffer.writeStaticString("\r\n")
        }
        if !hasLength {
            buffer.writeString("content-length: \(response.body.count)\r\n")
        }
        if let connection { buffer.writeString("connection: \(connection)\r\n") }
        buffer.writeStaticString("\r\n")
        if !headOnly { buffer.writeBytes(response.body) }
    }
}
