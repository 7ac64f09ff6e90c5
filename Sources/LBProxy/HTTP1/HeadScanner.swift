#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Offsets of one header line inside a head: the name and the value with surrounding whitespace trimmed.
struct HeaderFieldRange: Hashable {
    var nameStart: Int
    var nameLength: Int
    var valueStart: Int
    var valueLength: Int
}

/// A complete message head located in a buffer: the start line and every header field, as offsets.
struct RawHead {
    /// Offset of the start line's first byte (leading empty lines before a request are skipped).
    var startLineStart: Int
    var startLineLength: Int
    var fields: [HeaderFieldRange]
    /// Bytes from the beginning of the buffer through the empty line that ends the head.
    var length: Int
}

/// Splits an HTTP/1 head into lines and header fields and enforces the rules shared by requests and
/// responses: size and count limits, token-only header names, no controls in values, no obsolete folding.
/// Lines may end in CRLF or a bare LF.
enum HeadScanner {
    /// Returns nil while the head is not complete yet (and still within `maxSize`). The fields are
    /// gathered in `fields` (emptied first, its storage kept), which the returned head shares.
    static func scan(
        _ bytes: UnsafeRawBufferPointer, maxSize: Int, maxHeaders: Int, skipLeadingEmptyLines: Bool,
        into fields: inout [HeaderFieldRange]
    ) throws(HTTPParseError) -> RawHead? {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        let count = bytes.count
        var position = 0
        if skipLeadingEmptyLines {
            // RFC 9112 §2.2: a server should ignore at least one empty line before the request line.
            while position < count, base[position] == 0x0d || base[position] == 0x0a { position += 1 }
            if position == count { return nil }
        }
        var startLine: (Int, Int)? = nil
        fields.removeAll(keepingCapacity: true)
        while true {
            let remaining = count - position
            guard remaining > 0,
                  let lf = memchr(base + position, 0x0a, remaining)?.assumingMemoryBound(to: UInt8.self)
            else {
                if count > maxSize { throw HTTPParseError(reason: .headTooLarge, offset: maxSize) }
                return nil
            }
            let lfIndex = base.distance(to: lf)
            if lfIndex + 1 > maxSize { throw HTTPParseError(reason: .headTooLarge, offset: maxSize) }
            var lineEnd = lfIndex
            if lineEnd > position, base[lineEnd - 1] == 0x0d { lineEnd -= 1 }
            let lineStart = position
            position = lfIndex + 1
            if startLine == nil {
                startLine = (lineStart, lineEnd - lineStart)
                continue
            }
            if lineEnd == lineStart {
                return RawHead(startLineStart: startLine!.0, startLineLength: startLine!.1, fields: fields, length: position)
            }
            let first = base[lineStart]
            if first == 0x20 || first == 0x09 {
                throw HTTPParseError(reason: .obsoleteLineFolding, offset: lineStart)
            }
            // Name: one or more token characters, then a colon with no whitespace before it.
            var cursor = lineStart
            while cursor < lineEnd, ByteClasses.isToken(base[cursor]) { cursor += 1 }
            if cursor == lineStart || cursor == lineEnd || base[cursor] != UInt8(ascii: ":") {
                throw HTTPParseError(reason: .badHeaderName, offset: cursor)
            }
            let nameLength = cursor - lineStart
            cursor += 1
            while cursor < lineEnd, base[cursor] == 0x20 || base[cursor] == 0x09 { cursor += 1 }
            var valueEnd = lineEnd
            while valueEnd > cursor, base[valueEnd - 1] == 0x20 || base[valueEnd - 1] == 0x09 { valueEnd -= 1 }
            var check = cursor
            // Eight bytes at a time while none of them is a control or DEL; a word that holds one (a
            // tab is allowed) is looked at byte by byte.
            while valueEnd - check >= 8 {
                if ByteClasses.areFieldValueWithoutTab(UnsafeRawPointer(base + check).loadUnaligned(as: UInt64.self)) {
                    check += 8
                    continue
                }
                for offset in check..<check + 8 where !ByteClasses.isFieldValue(base[offset]) {
                    throw HTTPParseError(reason: .badHeaderValue, offset: offset)
                }
                check += 8
            }
            while check < valueEnd {
                if !ByteClasses.isFieldValue(base[check]) {
                    throw HTTPParseError(reason: .badHeaderValue, offset: check)
                }
                check += 1
            }
            if fields.count == maxHeaders {
                throw HTTPParseError(reason: .tooManyHeaders, offset: lineStart)
            }
            fields.append(HeaderFieldRange(nameStart: lineStart, nameLength: nameLength, valueStart: cursor, valueLength: valueEnd - cursor))
        }
    }

    /// True when the bytes at `start` equal `lowercaseName` ignoring ASCII case.
    @inline(__always)
    static func nameEquals(_ base: UnsafePointer<UInt8>, _ start: Int, _ length: Int, _ lowercaseName: StaticString) -> Bool {
        guard length == lowercaseName.utf8CodeUnitCount else { return false }
        let expected = lowercaseName.utf8Start
        for index in 0..<length where base[start + index].lowercasedASCII != expected[index] {
            return false
        }
        return true
    }
}
