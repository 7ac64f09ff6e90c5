/// HAProxy's log escaping: a byte that would break the line or its parsing is written as `#XX`
/// (upper-case hex). Which bytes depends on the field: request line and URI parts escape bytes outside
/// 32...126, `"` and `#`; captured headers and cookies additionally escape `{`, `|` and `}` (the capture
/// block delimiters). Spaces are kept: halog finds the request line by its quote, not by field count.
enum HAProxyEscaping: Sendable {
    case request
    case header

    @inline(__always)
    func needsEscape(_ byte: UInt8) -> Bool {
        if byte < 32 || byte > 126 || byte == 0x22 || byte == 0x23 { return true }
        if self == .header { return byte == 0x7B || byte == 0x7C || byte == 0x7D }
        return false
    }
}

extension Array where Element == UInt8 {
    /// Appends `bytes` escaped as HAProxy does; with `backslash` (the `E` flag, for RFC 5424
    /// structured data) `"`, `\` and `]` are also preceded by a backslash.
    mutating func appendEscaped<Bytes: Sequence>(_ bytes: Bytes, _ escaping: HAProxyEscaping, backslash: Bool = false)
    where Bytes.Element == UInt8 {
        for byte in bytes {
            if backslash && (byte == 0x22 || byte == 0x5C || byte == 0x5D) {
                append(0x5C)
                append(byte)
            } else if escaping.needsEscape(byte) {
                append(0x23)
                append(hexDigit(byte >> 4))
                append(hexDigit(byte & 0xF))
            } else {
                append(byte)
            }
        }
    }
}

extension Array where Element == UInt8 {
    /// Fast path of `appendEscaped` for text: copies runs of bytes that need no escaping in one go.
    mutating func appendEscaped(_ text: Substring, _ escaping: HAProxyEscaping, backslash: Bool = false) {
        var text = text
        text.withUTF8 { appendEscaped(buffer: $0, escaping, backslash: backslash) }
    }

    mutating func appendEscaped(_ text: String, _ escaping: HAProxyEscaping, backslash: Bool = false) {
        var text = text
        text.withUTF8 { appendEscaped(buffer: $0, escaping, backslash: backslash) }
    }

    mutating func appendEscaped(buffer: UnsafeBufferPointer<UInt8>, _ escaping: HAProxyEscaping, backslash: Bool) {
        var runStart = 0
        for index in 0..<buffer.count {
            let byte = buffer[index]
            let slash = backslash && (byte == 0x22 || byte == 0x5C || byte == 0x5D)
            guard slash || escaping.needsEscape(byte) else { continue }
            if runStart < index { append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<index])) }
            if slash {
                append(0x5C)
                append(byte)
            } else {
                append(0x23)
                append(hexDigit(byte >> 4))
                append(hexDigit(byte & 0xF))
            }
            runStart = index + 1
        }
        if runStart < buffer.count { append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart...])) }
    }

    /// The UTF-8 bytes of `text` in one copy.
    mutating func appendUTF8(_ text: Substring) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }
}
