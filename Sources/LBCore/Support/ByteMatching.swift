#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-level string tests used by ACL matchers. Patterns compiled with `-i` are already lowercase, so only
/// the sample side needs folding, which is done per byte without allocating.
enum ByteMatching {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    @inline(__always)
    static func fold(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte | 0x20 : byte }

    /// The string match methods (`str sub beg end dir dom`) on bytes; false for the other methods.
    @inline(__always)
    static func matches(_ method: MatchMethod, _ value: Bytes, _ pattern: Bytes, foldCase: Bool) -> Bool {
        switch method {
        case .str: isEqual(value, pattern, foldCase: foldCase)
        case .sub: contains(value, pattern, foldCase: foldCase)
        case .beg: equal(value, at: 0, pattern, foldCase: foldCase)
        case .end: equal(value, at: value.count - pattern.count, pattern, foldCase: foldCase)
        case .dir: containsWord(value, pattern, foldCase: foldCase, isDelimiter: isPathDelimiter)
        case .dom: containsWord(value, pattern, foldCase: foldCase, isDelimiter: isDomainDelimiter)
        default: false
        }
    }

    /// `dir` words are separated by `/` and `?`; `dom` words also by `.` and `:`.
    @inline(__always)
    static func isPathDelimiter(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") }
    @inline(__always)
    static func isDomainDelimiter(_ byte: UInt8) -> Bool {
        isPathDelimiter(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
    }

    @inline(__always)
    static func equal(_ value: Bytes, at offset: Int, _ pattern: Bytes, foldCase: Bool) -> Bool {
        guard offset >= 0, offset + pattern.count <= value.count else { return false }
        if foldCase {
            for index in 0..<pattern.count where fold(value[offset + index]) != pattern[index] { return false }
            return true
        }
        guard let valueBase = value.baseAddress, let patternBase = pattern.baseAddress else { return true }
        // Most candidates differ at their first byte: decided without calling memcmp.
        guard valueBase[offset] == patternBase[0] else { return false }
        return memcmp(valueBase + offset, patternBase, pattern.count) == 0
    }

    static func isEqual(_ value: Bytes, _ pattern: Bytes, foldCase: Bool) -> Bool {
        value.count == pattern.count && equal(value, at: 0, pattern, foldCase: foldCase)
    }

    static func contains(_ value: Bytes, _ pattern: Bytes, foldCase: Bool) -> Bool {
        if pattern.isEmpty { return true }
        guard pattern.count <= value.count else { return false }
        if !foldCase { return containsExactly(value, pattern) }
        for offset in 0...(value.count - pattern.count) where equal(value, at: offset, pattern, foldCase: foldCase) {
            return true
        }
        return false
    }

    /// Substring search without case folding: `memchr` finds each candidate first byte (vectorised by the
    /// C library), `memcmp` checks the rest. Much faster than trying every offset on long header values.
    private static func containsExactly(_ value: Bytes, _ needle: Bytes) -> Bool {
        guard let base = value.baseAddress, let needleBase = needle.baseAddress else { return false }
        let first = Int32(needle[0])
        let lastStart = value.count - needle.count
        var offset = 0
        while offset <= lastStart {
            guard let found = memchr(base + offset, first, lastStart - offset + 1) else { return false }
            let position = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if memcmp(base + position, needleBase, needle.count) == 0 { return true }
            offset = position + 1
        }
        return false
    }

    /// True when `pattern` occurs in `value` bounded on each side by the start/end or a delimiter byte:
    /// the `dir` (`/`-separated part) and `dom` (`.`-separated part) match methods.
    @inline(__always)
    static func containsWord(_ value: Bytes, _ pattern: Bytes, foldCase: Bool, isDelimiter: (UInt8) -> Bool) -> Bool {
        if pattern.isEmpty || pattern.count > value.count { return false }
        for offset in 0...(value.count - pattern.count) {
            if offset > 0 && !isDelimiter(value[offset - 1]) { continue }
            let end = offset + pattern.count
            if end < value.count && !isDelimiter(value[end]) { continue }
            if equal(value, at: offset, pattern, foldCase: foldCase) { return true }
        }
        return false
    }
}

extension Substring {
    /// Runs `body` over the UTF-8 bytes; native strings are contiguous, so this does not copy.
    @inline(__always)
    func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return copy.withUTF8(body)
    }
}
