import LBCore
import NIOCore

/// Rewrites a server's response head for the client: the status line and end-to-end fields are copied
/// byte for byte from the receive buffer; hop-by-hop fields are replaced by lb's own `Connection` field.
enum ClientResponseWriter {
    /// What to do with one end-to-end field (cookie persistence rewrites `Set-Cookie`).
    enum FieldAction {
        case keep
        case drop
        case replace(String)
    }
    /// Decides per field, from its name and value (only called when an edit is needed at all).
    typealias FieldEdit = (_ name: Substring, _ value: Substring) -> FieldAction

    /// - Parameters:
    ///   - source: the buffer holding the head at its reader index.
    ///   - passUpgrade: keep `Connection`/`Upgrade` as sent (a 101 switching protocols).
    ///   - connection: the `Connection` value to announce, or nil for none.
    static func write(
        _ response: ParsedResponse, from source: ByteBuffer, passUpgrade: Bool, connection: StaticString?,
        edit: FieldEdit? = nil, extraFields: [String] = [], into buffer: inout ByteBuffer
    ) {
        source.withUnsafeReadableBytes { bytes in
            let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let raw = response.raw
            buffer.writeBytes(UnsafeRawBufferPointer(start: base + raw.startLineStart, count: raw.startLineLength))
            buffer.writeStaticString("\r\n")
            for field in raw.fields {
                if !passUpgrade, isHopByHop(base, field) { continue }
                if !passUpgrade, !response.framingHeaders.connectionOptions.isEmpty,
                   response.framingHeaders.connectionOptions.contains(
                    String(decoding: UnsafeBufferPointer(start: base + field.nameStart, count: field.nameLength), as: UTF8.self).lowercased()) {
                    continue
                }
                let end = field.valueStart + field.valueLength
                if let edit {
                    let name = Substring(String(decoding: UnsafeBufferPointer(start: base + field.nameStart, count: field.nameLength), as: UTF8.self))
                    let value = Substring(String(decoding: UnsafeBufferPointer(start: base + field.valueStart, count: field.valueLength), as: UTF8.self))
                    switch edit(name, value) {
                    case .keep: break
                    case .drop: continue
                    case .replace(let newValue):
                        buffer.writeSubstring(name)
                        buffer.writeStaticString(": ")
                        buffer.writeString(newValue)
                        buffer.writeStaticString("\r\n")
                        continue
                    }
                }
                buffer.writeBytes(UnsafeRawBufferPointer(start: base + field.nameStart, count: end - field.nameStart))
                buffer.writeStaticString("\r\n")
            }
        }
        for field in extraFields {
            buffer.writeString(field)
            buffer.writeStaticString("\r\n")
        }
        if let connection {
            buffer.writeStaticString("connection: ")
            buffer.writeStaticString(connection)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
    }

    /// The response's end-to-end fields as a list that `http-response` rules can edit.
    static func endToEndFields(_ response: ParsedResponse, from source: ByteBuffer) -> HTTPHeaderFields {
        var fields = HTTPHeaderFields()
        source.withUnsafeReadableBytes { bytes in
            let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
            for field in response.raw.fields where !isHopByHop(base, field) {
                let name = String(decoding: UnsafeBufferPointer(start: base + field.nameStart, count: field.nameLength), as: UTF8.self)
                if response.framingHeaders.connectionOptions.contains(name.lowercased()) { continue }
                let value = String(decoding: UnsafeBufferPointer(start: base + field.valueStart, count: field.valueLength), as: UTF8.self)
                fields.add(name, value)
            }
        }
        return fields
    }

    /// Writes the status line from `source` and `fields` (already edited by `http-response` rules) in
    /// place of the server's own; `edit` and `extraFields` are applied as in the byte-copying form.
    static func write(
        _ response: ParsedResponse, from source: ByteBuffer, fields: HTTPHeaderFields, connection: StaticString?,
        edit: FieldEdit? = nil, extraFields: [String] = [], into buffer: inout ByteBuffer
    ) {
        source.withUnsafeReadableBytes { bytes in
            let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
            buffer.writeBytes(UnsafeRawBufferPointer(start: base + response.raw.startLineStart, count: response.raw.startLineLength))
        }
        buffer.writeStaticString("\r\n")
        for field in fields {
            var value = field.value
            if let edit {
                switch edit(field.name[...], field.value[...]) {
                case .keep: break
                case .drop: continue
                case .replace(let newValue): value = newValue
                }
            }
            buffer.writeString(field.name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
        for field in extraFields {
            buffer.writeString(field)
            buffer.writeStaticString("\r\n")
        }
        if let connection {
            buffer.writeStaticString("connection: ")
            buffer.writeStaticString(connection)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
    }

    private static func isHopByHop(_ base: UnsafePointer<UInt8>, _ field: HeaderFieldRange) -> Bool {
        let start = field.nameStart, length = field.nameLength
        switch length {
        case 2: return HeadScanner.nameEquals(base, start, length, "te")
        case 7: return HeadScanner.nameEquals(base, start, length, "upgrade")
        case 10: return HeadScanner.nameEquals(base, start, length, "connection") || HeadScanner.nameEquals(base, start, length, "keep-alive")
        case 16: return HeadScanner.nameEquals(base, start, length, "proxy-connection")
        default: return false
        }
    }
}
