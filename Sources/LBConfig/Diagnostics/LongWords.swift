/// Diagnostics quote the words they are about, and a word can be as long as its line: a mangled 1 MB token
/// would make a 1 MB message. Long words are cut to their start and an ellipsis, which still tells which
/// word is meant: quoted text past `quotedLimit` characters, and any other run without a space past
/// `wordLimit` (a name a hint repeats unquoted, such as `export NAME`).
extension Diagnostic {
    /// The longest quoted text a message keeps whole.
    static let quotedLimit = 80
    /// The longest unquoted run without a space a message keeps whole.
    static let wordLimit = 200
    /// How much of a longer text is kept.
    static let keptCharacters = 64

    /// `text` with its long quoted spans and words shortened.
    static func shorteningLongWords(_ text: String) -> String {
        guard text.utf8.count > quotedLimit else { return text }
        let quoted = shortening(text, separator: "'", limit: quotedLimit, onlyEnclosed: true)
        return shortening(quoted, separator: " ", limit: wordLimit, onlyEnclosed: false)
    }

    /// Shortens the pieces of `text` between `separator`s that are longer than `limit` characters; with
    /// `onlyEnclosed`, only the pieces between an opening and a closing separator (odd pieces but the last).
    private static func shortening(_ text: String, separator: Unicode.Scalar, limit: Int, onlyEnclosed: Bool) -> String {
        guard text.utf8.count > limit else { return text }
        // Split on the separator's byte (ASCII, so never inside another character's encoding): walking a
        // 1 MB message as Characters would cost more than building it.
        let pieces = text.utf8.split(separator: UInt8(ascii: separator), omittingEmptySubsequences: false).map(Substring.init)
        func shortens(_ index: Int) -> Bool {
            if onlyEnclosed, index % 2 == 0 || index == pieces.count - 1 { return false }
            let piece = pieces[index]
            return piece.utf8.count > limit && piece.prefix(limit + 1).count > limit
        }
        guard pieces.indices.contains(where: shortens) else { return text }
        var result = ""
        for index in pieces.indices {
            if index > 0 { result.unicodeScalars.append(separator) }
            if shortens(index) {
                result += pieces[index].prefix(keptCharacters) + "…"
            } else {
                result += pieces[index]
            }
        }
        return result
    }
}
