/// A regular expression compiled once at configuration time and shared by every event loop.
///
/// The standard library's `Regex` is not declared `Sendable`. Its compiled program is built lazily on first
/// use; `init` forces that by running one match, after which the value is only read, so sharing it across
/// threads is safe in practice. That is why this wrapper is `@unchecked Sendable`.
struct CompiledRegex: @unchecked Sendable {
    let pattern: String
    let regex: Regex<AnyRegexOutput>

    init(_ pattern: String, ignoreCase: Bool = false) throws {
        var regex = try Regex(pattern)
        if ignoreCase { regex = regex.ignoresCase() }
        _ = "".contains(regex)
        self.pattern = pattern
        self.regex = regex
    }

    func matches(_ text: Substring) -> Bool { text.contains(regex) }

    /// The capture groups of the first match (group 0 is the whole match), or nil when it does not match.
    func firstMatchGroups(_ text: Substring) -> [Substring?]? {
        guard let match = text.firstMatch(of: regex) else { return nil }
        return match.output.map { $0.substring }
    }
}
