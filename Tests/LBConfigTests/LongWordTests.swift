import Testing
@testable import LBConfig

/// A word as long as its line (a mangled 1 MB token) is reported like any other, and the report quotes
/// only its start: the diagnostics stay small whatever the word's length.
@Suite struct LongWordTests {
    static let word = String(repeating: "x", count: 1 << 20)
    static let shortened = "'" + String(repeating: "x", count: Diagnostic.keptCharacters) + "…'"

    @Test(arguments: [
        (LongText("backend b\n    server s 127.0.0.1:80 \(word)"), 7, "unknown server option \(shortened)"),
        (LongText("backend b\n    \(word) 1"), 7, "unknown keyword \(shortened) in a backend section"),
        (LongText("frontend f\n    bind :80\n    use_backend \(word)"), 8, "unknown backend \(shortened)"),
        (LongText("frontend f\n    bind :80\n    http-request deny if \(word)"), 8, "unknown ACL \(shortened)"),
        (LongText("backend b from \(word)"), 6, "unknown defaults section \(shortened)"),
        (LongText("backend b\n    maxconn ${\(word)}"), 7, "environment variable \(shortened) is not set"),
        (LongText("global\n    \(word)"), 7, "unknown keyword \(shortened) in the global section"),
    ])
    func diagnosticQuotesTheWordsStart(body: LongText, line: Int, message: String) {
        let result = parse(quietDefaults + body.text)
        #expect(result.diagnostics.contains { $0.location.line == line && $0.message.contains(message) },
                "\(result.diagnostics.map { $0.description.prefix(300) })")
        let size = result.diagnostics.reduce(0) { $0 + $1.description.utf8.count }
        #expect(size < 2000)
    }

    @Test(arguments: [
        // Quoted text up to the limit is kept whole.
        ("unknown option '\(String(repeating: "a", count: 80))'", "unknown option '\(String(repeating: "a", count: 80))'"),
        ("unknown option '\(String(repeating: "a", count: 81))' here", "unknown option '\(String(repeating: "a", count: 64))…' here"),
        // Each long quoted span is shortened, the text between them kept.
        ("'\(String(repeating: "a", count: 100))' and '\(String(repeating: "b", count: 100))'",
         "'\(String(repeating: "a", count: 64))…' and '\(String(repeating: "b", count: 64))…'"),
        // An unclosed quote is not a quoted span.
        ("it's \(String(repeating: "c", count: 100))", "it's \(String(repeating: "c", count: 100))"),
        // Unquoted, a run without spaces is cut past 200 characters.
        ("export \(String(repeating: "d", count: 201)) first", "export \(String(repeating: "d", count: 64))… first"),
        ("export \(String(repeating: "d", count: 200)) first", "export \(String(repeating: "d", count: 200)) first"),
        // Characters, not bytes, are counted.
        ("bad '\(String(repeating: "é", count: 80))'", "bad '\(String(repeating: "é", count: 80))'"),
    ])
    func shortening(text: String, expected: String) {
        #expect(Diagnostic.shorteningLongWords(text) == expected)
        #expect(Diagnostic.error(text, at: SourceLocation(file: "t", line: 1), hint: text).hint == expected)
    }
}
