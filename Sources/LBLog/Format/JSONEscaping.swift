/// JSON string escaping that yields valid JSON for *any* input bytes: well-formed UTF-8 passes through,
/// `"` `\` and control characters (C0, DEL and C1, which a terminal showing the line would obey) are
/// escaped, and every byte that is not part of a well-formed UTF-8 sequence is written as `\u00XX` (its
/// value as a code point), so a header full of binary garbage still produces a line every JSON parser
/// accepts.
extension Array where Element == UInt8 {
    mutating func appendJSONString<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8, Bytes.Index == Int {
        append(0x22)
        appendJSONEscaped(bytes)
        append(0x22)
    }

    mutating func appendJSONString(_ text: String) {
        var text = text
        text.withUTF8 { appendJSONString($0) }
    }

    mutating func appendJSONEscaped<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8, Bytes.Index == Int {
        if let done: Void = bytes.withContiguousStorageIfAvailable({ appendJSONEscaped(buffer: $0) }) { return done }
        appendJSONEscaped(buffer: Array(bytes))
    }

    /// Copies runs of plain bytes at once; escapes the rest.
    mutating func appendJSONEscaped<Bytes: RandomAccessCollection>(buffer bytes: Bytes)
    where Bytes.Element == UInt8, Bytes.Index == Int, Bytes.SubSequence: Collection {
        var runStart = bytes.startIndex
        var index = bytes.startIndex
        let end = bytes.endIndex
        while index < end {
            let byte = bytes[index]
            if byte >= 0x20 && byte < 0x7F && byte != 0x22 && byte != 0x5C {
                index += 1
                continue
            }
            if byte >= 0x80 {
                let length = validUTF8SequenceLength(bytes, at: index)
                if length > 0 && !(byte == 0xC2 && bytes[index + 1] < 0xA0) {
                    index += length
                    continue
                }
                if length == 2 {
                    // A C1 control, U+0080-U+009F: its second byte is its code point.
                    if runStart < index { append(contentsOf: bytes[runStart..<index]) }
                    appendUnicodeEscape(bytes[index + 1])
                    index += 2
                    runStart = index
                    continue
                }
            }
            if runStart < index { append(contentsOf: bytes[runStart..<index]) }
            switch byte {
            case 0x22: appendASCII("\\\"")
            case 0x5C: appendASCII("\\\\")
            case 0x0A: appendASCII("\\n")
            case 0x0D: appendASCII("\\r")
            case 0x09: appendASCII("\\t")
            default: appendUnicodeEscape(byte)
            }
            index += 1
            runStart = index
        }
        if runStart < end { append(contentsOf: bytes[runStart..<end]) }
    }

    @inline(__always)
    private mutating func appendUnicodeEscape(_ byte: UInt8) {
        appendASCII("\\u00")
        append(hexDigit(byte >> 4))
        append(hexDigit(byte & 0xF))
    }
}

/// Length of the well-formed UTF-8 sequence starting at `index` (2...4), or 0 when the bytes there are
/// not one (stray continuation, overlong form, surrogate, beyond U+10FFFF, truncated).
@inlinable
public func validUTF8SequenceLength<Bytes: Collection>(_ bytes: Bytes, at index: Int) -> Int
where Bytes.Element == UInt8, Bytes.Index == Int {
    let lead = bytes[index]
    let remaining = bytes.endIndex - index
    @inline(__always) func continuation(_ offset: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
        offset < remaining && (low...high).contains(bytes[index + offset])
    }
    switch lead {
    case 0xC2...0xDF:
        return continuation(1) ? 2 : 0
    case 0xE0:
        return continuation(1, 0xA0) && continuation(2) ? 3 : 0
    case 0xE1...0xEC, 0xEE, 0xEF:
        return continuation(1) && continuation(2) ? 3 : 0
    case 0xED:
        return continuation(1, 0x80, 0x9F) && continuation(2) ? 3 : 0
    case 0xF0:
        return continuation(1, 0x90) && continuation(2) && continuation(3) ? 4 : 0
    case 0xF1...0xF3:
        return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
    case 0xF4:
        return continuation(1, 0x80, 0x8F) && continuation(2) && continuation(3) ? 4 : 0
    default:
        return 0
    }
}
