import LBConfig
import LBCore
import NIOCore

/// Header and cookie captures for the log record (`capture request|response header NAME len N`,
/// `capture cookie NAME len N`), following HAProxy: a header's last occurrence is kept, cut to its length;
/// a missing one leaves an empty slot; a cookie capture keeps the first `NAME...=value` it finds.
struct CapturedValues {
    var requestHeaders: [String]?
    var responseHeaders: [String]?
    var requestCookie: String?
    var responseCookie: String?
}

extension HTTPSession {
    /// Fills the request side from the head as received.
    func captureRequest(_ head: HTTPRequestHead) {
        let captures = frontend.plan.captures
        guard !captures.isEmpty else { return }
        var values: [String] = []
        for capture in captures {
            switch capture.kind {
            case .requestHeader:
                values.append(String((head.headers.values(capture.name).last ?? "").prefix(capture.length)))
            case .cookie:
                if record.captured.requestCookie == nil {
                    record.captured.requestCookie = Self.findCookie(capture, in: head.headers.values("cookie"), separator: ";")
                }
            case .responseHeader:
                break
            }
        }
        if captures.contains(where: { $0.kind == .requestHeader }) { record.captured.requestHeaders = values }
    }

    /// Fills the response side from the raw response head.
    func captureResponse(_ response: ParsedResponse, in buffer: ByteBuffer) {
        let captures = frontend.plan.captures
        guard captures.contains(where: { $0.kind == .responseHeader || $0.kind == .cookie }) else { return }
        var fields: [(String, String)] = []
        buffer.withUnsafeReadableBytes { bytes in
            let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
            for field in response.raw.fields {
                fields.append((
                    String(decoding: UnsafeBufferPointer(start: base + field.nameStart, count: field.nameLength), as: UTF8.self),
                    String(decoding: UnsafeBufferPointer(start: base + field.valueStart, count: field.valueLength), as: UTF8.self)))
            }
        }
        func values(_ name: String) -> [String] { fields.filter { $0.0.equalsIgnoringASCIICase(name) }.map(\.1) }
        var captured: [String] = []
        for capture in captures {
            switch capture.kind {
            case .responseHeader:
                captured.append(String((values(capture.name).last ?? "").prefix(capture.length)))
            case .cookie:
                if record.captured.responseCookie == nil {
                    record.captured.responseCookie = Self.findCookie(capture, in: values("set-cookie"), separator: nil)
                }
            case .requestHeader:
                break
            }
        }
        if captures.contains(where: { $0.kind == .responseHeader }) { record.captured.responseHeaders = captured }
    }

    /// The first `NAME...=value` pair (cut to the capture's length). In `Cookie` headers pairs are
    /// separated by `;`; a `Set-Cookie` value holds one cookie, its attributes after the first `;`.
    static func findCookie(_ capture: CaptureDeclaration, in headers: [String], separator: Character?) -> String? {
        for header in headers {
            let pairs = separator.map { header.split(separator: $0) } ?? [header.split(separator: ";").first ?? ""]
            for pair in pairs {
                let trimmed = pair.drop { $0 == " " }
                if trimmed.hasPrefix(capture.name), trimmed.contains("=") { return String(trimmed.prefix(capture.length)) }
            }
        }
        return nil
    }

    /// The record's capture fields: nil blocks where no capture of that direction is declared.
    func capturedForRecord() -> CapturedValues {
        let captures = frontend.plan.captures
        // Nothing captured without a declaration: no copy of the (empty) values to make.
        guard !captures.isEmpty else { return CapturedValues() }
        var values = record.captured
        let requestCount = captures.filter { $0.kind == .requestHeader }.count
        let responseCount = captures.filter { $0.kind == .responseHeader }.count
        if requestCount > 0, values.requestHeaders == nil { values.requestHeaders = Array(repeating: "", count: requestCount) }
        if responseCount > 0, values.responseHeaders == nil { values.responseHeaders = Array(repeating: "", count: responseCount) }
        return values
    }
}
