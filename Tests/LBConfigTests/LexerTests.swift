import Testing
@testable import LBConfig

@Suite struct LexerTests {
    @Test(arguments: [
        ("bind *:80", ["bind", "*:80"]),
        ("  \tmode   http  ", ["mode", "http"]),
        ("mode http # comment", ["mode", "http"]),
        ("# only a comment", []),
        ("a#b c", ["a"]),
        ("\"a b\" c", ["a b", "c"]),
        ("'a b' c", ["a b", "c"]),
        ("\"a\"b'c'd", ["abcd"]),
        ("\"#not comment\"", ["#not comment"]),
        ("'#x' \\#y", ["#x", "#y"]),
        ("a\\ b", ["a b"]),
        ("\\\\ \\\" \\'", ["\\", "\"", "'"]),
        ("\"tab\\there\"", ["tab\there"]),
        ("x\\ny\\r", ["x\ny\r"]),
        ("\\x41\\x7a", ["Az"]),
        ("path_reg ^/a\\d+$", ["path_reg", "^/a\\d+$"]),
        ("'no \\t escape'", ["no \\t escape"]),
        ("\"\" x", ["", "x"]),
        ("stats realm Haproxy\\ allen", ["stats", "realm", "Haproxy allen"]),
        ("crlf\r", ["crlf"]),
        ("héllo wörld", ["héllo", "wörld"]),
        ("a€b\\ c日本", ["a€b c日本"]),
        ("日本#comment", ["日本"]),
        ("x$y ab$ $", ["x$y", "ab$", "$"]),
        ("é\"ü v\"'w x'ÿ", ["éü vw xÿ"]),
    ])
    func splitsWords(line: String, expected: [String]) {
        let (words, diagnostics) = lex(line)
        #expect(words == expected)
        #expect(diagnostics.isEmpty)
    }

    @Test(arguments: [
        ("bind ${ADDR}:${PORT}", ["bind", "10.0.0.1:8080"]),
        ("x \"${ADDR} y\"", ["x", "10.0.0.1 y"]),
        ("x '${ADDR}'", ["x", "${ADDR}"]),
        ("x ${UNSET-fallback}", ["x", "fallback"]),
        ("x \\${ADDR}", ["x", "\\${ADDR}"]),  // unknown escapes stay as written
        ("x $ADDR", ["x", "$ADDR"]),
        ("x ${EMPTY}y", ["x", "y"]),
        // Inside double quotes the braceless form expands too, as in HAProxy; a `$` before anything but
        // a name stays.
        ("x \"$ADDR:$PORT\"", ["x", "10.0.0.1:8080"]),
        ("x \"a$EMPTY.b\"", ["x", "a.b"]),
        ("x \"^/a$\" \"$1 $\"", ["x", "^/a$", "$1 $"]),
        ("x '$ADDR'", ["x", "$ADDR"]),
    ])
    func expandsEnvironment(line: String, expected: [String]) {
        let (words, diagnostics) = lex(line, environment: ["ADDR": "10.0.0.1", "PORT": "8080", "EMPTY": ""])
        #expect(words == expected)
        #expect(diagnostics.isEmpty)
    }

    @Test func unsetVariableWarnsAndExpandsToNothing() {
        let (words, diagnostics) = lex("bind :80 ${NOPE} \"a${NOPE}b\"")
        #expect(words == ["bind", ":80", "ab"])
        #expect(diagnostics.count == 2)
        #expect(diagnostics.allSatisfy { $0.severity == .warning && $0.message.contains("'NOPE'") })
        #expect(diagnostics.first?.location.column == 10)
    }

    @Test(arguments: [
        ("x \"open", "unterminated double quote", 3),
        ("x 'open", "unterminated single quote", 3),
        ("x ${OPEN", "'${' without a closing '}'", 3),
    ])
    func unterminated(line: String, message: String, column: Int) {
        let (words, diagnostics) = lex(line)
        #expect(words == nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.severity == .error)
        #expect(diagnostics.first?.message == message)
        #expect(diagnostics.first?.location == SourceLocation(file: "t", line: 1, column: column))
    }

    @Test func recordsColumns() {
        var diagnostics: [Diagnostic] = []
        let words = Lexer.words(in: "  use_backend \"b\" if x", file: "f", lineNumber: 7, environment: [:], diagnostics: &diagnostics)
        #expect(words?.map(\.column) == [3, 15, 19, 22])
        #expect(words?.map(\.quoted) == [false, true, false, false])
    }

    @Test func columnsCountScalarsNotBytes() {
        var diagnostics: [Diagnostic] = []
        let words = Lexer.words(in: "é€ 日本 x", file: "f", lineNumber: 1, environment: [:], diagnostics: &diagnostics)
        #expect(words?.map(\.text) == ["é€", "日本", "x"])
        #expect(words?.map(\.column) == [1, 4, 7])
    }

    @Test func crlfFileReadsLineByLine() throws {
        let result = parse("global\r\n    maxconn 100\r\n    nbthraed 2\r\n")
        let error = try #require(result.find(.error, line: 3, "unknown keyword 'nbthraed' in the global section"), "\(result.diagnostics)")
        #expect(error.hint == "did you mean 'nbthread'?")
        #expect(result.errors.count == 1)
        let valid = parse("global\r\n    maxconn 100\r\n")
        #expect(valid.configuration?.global.maxConnections == 100, "\(valid.diagnostics)")
    }

    @Test func unterminatedQuoteInConfigurationNamesFileAndLine() {
        let result = parse("global\n    log-tag \"oops\n")
        #expect(result.configuration == nil)
        #expect(result.find(.error, line: 2, "unterminated double quote") != nil)
    }
}
