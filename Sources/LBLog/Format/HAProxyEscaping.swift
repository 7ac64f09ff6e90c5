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
