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
            func forwarded(_ field: HeaderFieldRange) -> Bool {
                if passUpgrade { return true }
                if isHopByHop(base, field) { return false }
                return response.framingHeaders.connectionOptions.isEmpty
                    || !response.framingHeaders.connectionOptions.contains(Self.text(base, field.nameStart, field.nameLength).lowercased())
            }
            // Edits are decided before anything is written, so that the head's space is reserved once.
            var edits: [FieldAction] = []
            var bound = raw.startLineLength + 2 + 2 + Self.trailerBound(connection: connection, extraFields: extraFields)
            for field in raw.fields { bound += field.valueStart + field.valueLength - field.nameStart + 2 }
            if let edit {
                edits.reserveCapacity(raw.fields.count)
                for field in raw.fields {
                    guard forwarded(field) else { edits.append(.drop); continue }
                    let action = edit(Self.text(base, field.nameStart, field.nameLength)[...],
                                      Self.text(base, field.valueStart, field.valueLength)[...])
                    if case .replace(let value) = action { bound += field.nameLength + value.utf8.count + 4 }
                    edits.append(action)
                }
            }
            buffer.writeHead(maximumLength: bound) { out in
                out.append(UnsafeRawBufferPointer(start: base + raw.startLineStart, count: raw.startLineLength))
                out.append("\r\n")
                for (index, field) in raw.fields.enumerated() {
                    let action = edit == nil ? (forwarded(field) ? .keep : .drop) : edits[index]
                    switch action {
                    case .keep:
                        out.append(UnsafeRawBufferPointer(start: base + field.nameStart,
                                                          count: field.valueStart + field.valueLength - field.nameStart))
                    case .drop:
                        continue
                    case .replace(let value):
                        out.append(UnsafeRawBufferPointer(start: base + field.nameStart, count: field.nameLength))
                        out.append(": ")
                        out.append(value)
                    }
                    out.append("\r\n")
                }
                Self.writeTrailer(connection: connection, extraFields: extraFields, into: &out)
            }
        }
    }

    /// The response's end-to-end fields as a list that `http-response` rules can edit.
    static func endToEndFields(_ response: ParsedResponse, from source: ByteBuffer) -> HTTPHeaderFields {
        var fields = HTTPHeaderFields()
        source.withUnsafeReadableBytes { bytes in
            let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
            for field in response.raw.fields where !isHopByHop(base, field) {
                let name = text(base, field.nameStart, field.nameLength)
                if response.framingHeaders.connectionOptions.contains(name.lowercased()) { continue }
                fields.add(name, text(base, field.valueStart, field.valueLength))
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
        var edited = fields
        if let edit {
            edited.fields = []
            for field in fields {
                switch edit(field.name[...], field.value[...]) {
                case .keep: edited.fields.append(field)
                case .drop: continue
                case .replace(let value): edited.fields.append(.init(name: field.name, value: value))
                }
            }
        }
        var bound = response.raw.startLineLength + 2 + 2 + trailerBound(connection: connection, extraFields: extraFields)
        for field in edited { bound += field.name.utf8.count + field.value.utf8.count + 4 }
        source.withUnsafeReadableBytes { bytes in
            let base = bytes.baseAddress!
            buffer.writeHead(maximumLength: bound) { out in
                out.append(UnsafeRawBufferPointer(start: base + response.raw.startLineStart, count: response.raw.startLineLength))
                out.append("\r\n")
                for field in edited {
                    out.append(field.name)
                    out.append(": ")
                    out.append(field.value)
                    out.append("\r\n")
                }
                writeTrailer(connection: connection, extraFields: extraFields, into: &out)
            }
        }
    }

    /// The most bytes `writeTrailer` writes.
    private static func trailerBound(connection: StaticString?, extraFields: [String]) -> Int {
        var bound = 2 + (connection.map { 14 + $0.utf8CodeUnitCount } ?? 0)
        for field in extraFields { bound += field.utf8.count + 2 }
        return bound
    }

    /// lb's own fields after the server's, then the empty line that ends the head.
    private static func writeTrailer(connection: StaticString?, extraFields: [String], into out: inout HeadByteWriter) {
        for field in extraFields {
            out.append(field)
            out.append("\r\n")
        }
        if let connection {
            out.append("connection: ")
            out.append(connection)
            out.append("\r\n")
        }
        out.append("\r\n")
    }

    private static func text(_ base: UnsafePointer<UInt8>, _ start: Int, _ count: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: base + start, count: count), as: UTF8.self)
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
