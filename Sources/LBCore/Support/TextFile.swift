#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads small configuration-side files (`acl -f`, `return file`) at compile time, through libc so LBCore
/// needs no Foundation. Never called on the data path.
enum TextFile {
    /// The whole file, or nil when it cannot be opened or read (missing, directory, permissions).
    static func readBytes(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count > 0 { result.append(contentsOf: buffer[0..<count]) }
            if count < buffer.count {
                if ferror(file) != 0 { return nil }
                return result
            }
        }
    }

    /// Pattern-file lines: one pattern per line, surrounding blanks trimmed, blank lines and `#` comments skipped.
    static func readPatterns(_ path: String) -> [String]? {
        guard let bytes = readBytes(path) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        var patterns: [String] = []
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let trimmed = line.trimmingASCIIBlanks()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            patterns.append(String(trimmed))
        }
        return patterns
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingASCIIBlanks() -> SubSequence {
        var start = startIndex, end = endIndex
        while start < end, self[start] == " " || self[start] == "\t" { start = index(after: start) }
        while end > start {
            let before = index(before: end)
            guard self[before] == " " || self[before] == "\t" else { break }
            end = before
        }
        return self[start..<end]
    }
}
