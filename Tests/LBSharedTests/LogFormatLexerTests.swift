import LBShared
import Testing

struct LogFormatLexerTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var source: String
        var tokens: [LogFormatToken]
        /// The error after `tokens`, nil when the string lexes to its end.
        var error: LogFormatLexError?
        init(_ source: String, _ tokens: [LogFormatToken], _ error: LogFormatLexError? = nil) {
            self.source = source
            self.tokens = tokens
            self.error = error
        }
        var testDescription: String { source.isEmpty ? "(empty)" : source }
    }

    static func l(_ text: String) -> LogFormatToken { .literal(Array(text.utf8)) }
    static func v(_ name: String) -> LogFormatToken { .variable(name) }
    static let sp: LogFormatToken = .spaces(1)

    /// HAProxy's `option httplog` format string.
    static let httplog = Row(
        "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r",
        [v("ci"), l(":"), v("cp"), sp, l("["), v("tr"), l("]"), sp, v("ft"), sp, v("b"), l("/"), v("s"), sp,
         v("TR"), l("/"), v("Tw"), l("/"), v("Tc"), l("/"), v("Tr"), l("/"), v("Ta"), sp, v("ST"), sp, v("B"), sp,
         v("CC"), sp, v("CS"), sp, v("tsc"), sp, v("ac"), l("/"), v("fc"), l("/"), v("bc"), l("/"), v("sc"), l("/"),
         v("rc"), sp, v("sq"), l("/"), v("bq"), sp, v("hr"), sp, v("hs"), sp, .flags("+Q"), v("r")])

    static let rows: [Row] = [
        httplog,
        Row("%{+Q}o %{-Q}ci - - [%trg] %r", [.flags("+Q"), v("o"), sp, .flags("-Q"), v("ci"), sp, l("-"), sp, l("-"), sp,
                                             l("["), v("trg"), l("]"), sp, v("r")]),
        Row("", []),
        Row("plain", [l("plain")]),
        Row("100%% sure", [l("100%"), sp, l("sure")]),
        Row("%%%ci", [l("%"), v("ci")]),
        Row("a   b ", [l("a"), .spaces(3), l("b"), sp]),
        Row("  lead", [.spaces(2), l("lead")]),
        Row("tab\there", [l("tab\there")]),
        Row(#""%ci""#, [l("\""), v("ci"), l("\"")]),
        Row(#"\%ci"#, [l("\\"), v("ci")]),
        Row("é%ciü", [l("é"), v("ci"), l("ü")]),
        // Names are letters and digits: `_` and `:` end them, digits do not.
        Row("%cp_%fi:%fp", [v("cp"), l("_"), v("fi"), l(":"), v("fp")]),
        Row("%ci1", [v("ci1")]),
        Row("%HM%HU", [v("HM"), v("HU")]),
        Row("% x", [v(""), sp, l("x")]),
        Row("%-", [v(""), l("-")]),
        // Modifiers come first, in the order written.
        Row("%{+Q,-X}ST", [.flags("+Q,-X"), v("ST")]),
        Row("%(status:sint)ST", [.name("status:sint"), v("ST")]),
        Row("%{+Q}(n){-E}ci", [.flags("+Q"), .name("n"), .flags("-E"), v("ci")]),
        Row("%{a b}ci", [.flags("a b"), v("ci")]),
        Row("%{+Q} x", [.flags("+Q"), v(""), sp, l("x")]),
        // Samples: brackets inside parentheses and escaped ones do not close them.
        Row("%[src] %{+Q}[req.hdr(host),lower]", [.sample("src"), sp, .flags("+Q"), .sample("req.hdr(host),lower")]),
        Row("%[path,field(1,])]x", [.sample("path,field(1,])"), l("x")]),
        Row(#"%[req.hdr(x\]y)]"#, [.sample(#"req.hdr(x\]y)"#)]),
        Row("b=%[req.cook(theme)];%%;%[src]", [l("b="), .sample("req.cook(theme)"), l(";%;"), .sample("src")]),
        Row("%[a b]", [.sample("a b")]),
        // Errors come after the tokens before them.
        Row("%", [], .lonePercent),
        Row("ends with %", [l("ends"), sp, l("with"), sp], .lonePercent),
        Row("%%%", [l("%")], .lonePercent),
        Row("%{+Q", [], .unterminatedFlags),
        Row("%(x", [], .unterminatedName),
        Row("%{+Q}(x", [.flags("+Q")], .unterminatedName),
        Row("a %ci %[src", [l("a"), sp, v("ci"), sp], .unterminatedSample),
        Row("%[f(])", [], .unterminatedSample),
        Row("%{+Q}", [.flags("+Q")], .missingItem),
        Row("%(x)", [.name("x")], .missingItem),
    ]

    @Test(arguments: rows)
    func lexes(_ row: Row) {
        var lexer = LogFormatLexer(row.source)
        var tokens: [LogFormatToken] = []
        var error: LogFormatLexError?
        do {
            while let token = try lexer.next() { tokens.append(token) }
        } catch let thrown {
            error = thrown
        }
        #expect(tokens == row.tokens)
        #expect(error == row.error)
    }

    @Test func endIsNilAgain() throws {
        var lexer = LogFormatLexer("%ci")
        #expect(try lexer.next() == .variable("ci"))
        #expect(try lexer.next() == nil)
        #expect(try lexer.next() == nil)
    }
}
