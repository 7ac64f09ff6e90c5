/// One word of a configuration line after quoting, escaping and `${VAR}` expansion.
struct Word: Sendable, Hashable {
    var text: String
    /// 1-based column where the word starts in its line.
    var column: Int
    /// True when any part of the word was quoted: a quoted `{` or `if` is plain text, never syntax.
    var quoted: Bool = false

    init(_ text: String, column: Int = 1, quoted: Bool = false) {
        self.text = text
        self.column = column
        self.quoted = quoted
    }

    /// The word as syntax: its text when it was written without quotes, nil otherwise.
    var bare: String? { quoted ? nil : text }
}

/// One non-empty configuration line split into words, with where it came from.
struct Directive: Sendable {
    var words: [Word]
    var file: String
    var line: Int

    var keyword: String { words.first?.text ?? "" }
    var count: Int { words.count }

    /// The line's location, pointing at its first word.
    var location: SourceLocation { SourceLocation(file: file, line: line, column: words.first?.column) }

    /// The location of word `index`, or of the line's end when the word is missing.
    func location(of index: Int) -> SourceLocation {
        if index < words.count { return SourceLocation(file: file, line: line, column: words[index].column) }
        return location
    }

    subscript(index: Int) -> Word? { index < words.count ? words[index] : nil }

    func text(_ index: Int) -> String? { index < words.count ? words[index].text : nil }

    /// The words from `index` on, as plain text.
    func texts(from index: Int) -> [String] { index < words.count ? words[index...].map(\.text) : [] }

    /// A copy without the first `count` words (same line), used to parse `no option X` as `option X`.
    func dropping(_ count: Int) -> Directive {
        Directive(words: Array(words.dropFirst(count)), file: file, line: line)
    }
}

extension SourceLocation {
    /// `file:line`, how messages point at another line.
    var fileAndLine: String { "\(file):\(line)" }
}
