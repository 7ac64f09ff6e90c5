/// A regular expression compiled once at configuration time and shared by every event loop.
///
/// The standard library's `Regex` is not declared `Sendable`. Its compiled program is built lazily on first
/// use; `init` forces that by running one match, after which the value is only read, so sharing it across
/// threads is safe in practice. That is why this wrapper is `@unchecked Sendable`.
struct CompiledRegex: @unchecked Sendable {
    let pattern: String
    let regex: Regex<AnyRegexOutput>
    /// For a pattern anchored at the start whose first characters are literal (`^/v[0-9]+/` → `/v`),
    /// those characters, lowercase under `ignoreCase`: a text that does not start with them cannot match,
    /// which is decided without running the regex engine (about 400 ns a call even when it fails at once).
    let requiredPrefix: [UInt8]
    let ignoreCase: Bool

    init(_ pattern: String, ignoreCase: Bool = false) throws {
        var regex = try Regex(pattern)
        if ignoreCase { regex = regex.ignoresCase() }
        _ = "".contains(regex)
        self.pattern = pattern
        self.regex = regex
        self.ignoreCase = ignoreCase
        let prefix = Self.literalPrefix(of: pattern)
        // Unicode case folding maps a few non-ASCII characters to ASCII letters (K KELVIN SIGN to k, LONG S
        // to s): under -i the prefix stops before those letters so that it never refuses a match.
        requiredPrefix = ignoreCase ? Array(prefix.map(ByteMatching.fold).prefix { $0 != UInt8(ascii: "k") && $0 != UInt8(ascii: "s") }) : prefix
    }

    func matches(_ text: Substring) -> Bool {
        if !requiredPrefix.isEmpty {
            let startsRight = text.withUTF8Bytes { bytes in
                requiredPrefix.withUnsafeBufferPointer { ByteMatching.equal(bytes, at: 0, $0, foldCase: ignoreCase) }
            }
            if !startsRight { return false }
        }
        return text.contains(regex)
    }

    /// The literal ASCII characters that follow a leading `^`, up to the first metacharacter; a character
    /// made optional by the quantifier after it is not part of it. Empty when the pattern is not anchored,
    /// starts with a metacharacter or has an alternation anywhere (`^a|b` does not require `a`).
    static func literalPrefix(of pattern: String) -> [UInt8] {
        let bytes = Array(pattern.utf8)
        guard bytes.first == UInt8(ascii: "^"), !bytes.contains(UInt8(ascii: "|")) else { return [] }
        let metacharacters = Set("\\.[]()*+?{}|^$".utf8)
        var prefix: [UInt8] = []
        var index = 1
        while index < bytes.count, bytes[index] < 0x80, !metacharacters.contains(bytes[index]) {
            prefix.append(bytes[index])
            index += 1
        }
        if index < bytes.count, [UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "{")].contains(bytes[index]), !prefix.isEmpty {
            prefix.removeLast()
        }
        return prefix
    }

    /// The capture groups of the first match (group 0 is the whole match), or nil when it does not match.
    func firstMatchGroups(_ text: Substring) -> [Substring?]? {
        guard let match = text.firstMatch(of: regex) else { return nil }
        return match.output.map { $0.substring }
    }
}
