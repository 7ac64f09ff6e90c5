/// Byte-level string tests used by ACL matchers. Patterns compiled with `-i` are already lowercase, so only
/// the sample side needs folding, which is done per byte without allocating.
enum ByteMatching {
    @inline(__always)
    static func fold(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte | 0x20 : byte }

    @inline(__always)
    static func equal(_ value: UnsafeBufferPointer<UInt8>, at offset: Int, _ pattern: [UInt8], foldCase: Bool) -> Bool {
        guard offset >= 0, offset + pattern.count <= value.count else { return false }
        if foldCase {
            for index in 0..<pattern.count where fold(value[offset + index]) != pattern[index] { return false }
        } else {
            for index in 0..<pattern.count where value[offset + index] != pattern[index] { return false }
        }
        return true
    }

    static func isEqual(_ value: UnsafeBufferPointer<UInt8>, _ pattern: [UInt8], foldCase: Bool) -> Bool {
        value.count == pattern.count && equal(value, at: 0, pattern, foldCase: foldCase)
    }

    static func hasPrefix(_ value: UnsafeBufferPointer<UInt8>, _ pattern: [UInt8], foldCase: Bool) -> Bool {
        equal(value, at: 0, pattern, foldCase: foldCase)
    }

    static func hasSuffix(_ value: UnsafeBufferPointer<UInt8>, _ pattern: [UInt8], foldCase: Bool) -> Bool {
        equal(value, at: value.count - pattern.count, pattern, foldCase: foldCase)
    }

    static func contains(_ value: UnsafeBufferPointer<UInt8>, _ pattern: [UInt8], foldCase: Bool) -> Bool {
        if pattern.isEmpty { return true }
        guard pattern.count <= value.count else { return false }
        for offset in 0...(value.count - pattern.count) where equal(value, at: offset, pattern, foldCase: foldCase) {
            return true
        }
        return false
    }

    /// True when `pattern` occurs in `value` bounded on each side by the start/end or a delimiter byte:
    /// the `dir` (`/`-separated part) and `dom` (`.`-separated part) match methods.
    static func containsWord(_ value: UnsafeBufferPointer<UInt8>, _ pattern: [UInt8], delimiters: [UInt8], foldCase: Bool) -> Bool {
        if pattern.isEmpty || pattern.count > value.count { return false }
        for offset in 0...(value.count - pattern.count) {
            if offset > 0 && !delimiters.contains(value[offset - 1]) { continue }
            let end = offset + pattern.count
            if end < value.count && !delimiters.contains(value[end]) { continue }
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
