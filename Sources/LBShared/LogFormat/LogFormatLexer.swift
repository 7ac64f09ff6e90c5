/// Cuts a log-format string (HAProxy's syntax, used by `log-format`, `unique-id-format`, header values,
/// redirect targets and dynamic backend names) into tokens: literal text, runs of spaces, `%%` for `%`,
/// and `%` items: `%xx` variables and `%[sample]` expressions, each optionally preceded by `%{flags}` and
/// `%(name)` modifiers. What the tokens mean (which variables exist, which flags) is each compiler's.
///
/// It hands out one token at a time, so a compiler reports its own errors (an unknown variable, a bad
/// flag) in the order they appear in the string, before a lexing error further on. Stop at the first
/// error: the lexer does not recover.
public struct LogFormatLexer {
    private let bytes: [UInt8]
    private var index = 0
    /// After a modifier: the item's variable or sample (or another modifier) must follow.
    private var inItem = false

    public init(_ source: String) {
        bytes = Array(source.utf8)
    }

    /// The next token, nil at the end of the string.
    public mutating func next() throws(LogFormatLexError) -> LogFormatToken? {
        if inItem { return try itemPart() }
        guard index < bytes.count else { return nil }
        if bytes[index] == Self.space {
            let start = index
            while index < bytes.count, bytes[index] == Self.space { index += 1 }
            return .spaces(index - start)
        }
        var literal: [UInt8] = []
        while index < bytes.count, bytes[index] != Self.space {
            if bytes[index] != Self.percent {
                literal.append(bytes[index])
                index += 1
            } else if index + 1 < bytes.count, bytes[index + 1] == Self.percent {
                literal.append(Self.percent)
                index += 2
            } else {
                break
            }
        }
        if !literal.isEmpty { return .literal(literal) }
        index += 1  // the '%' of an item
        guard index < bytes.count else { throw .lonePercent }
        return try itemPart()
    }

    /// What follows a `%` or a modifier: another modifier, a sample or a variable.
    private mutating func itemPart() throws(LogFormatLexError) -> LogFormatToken {
        guard index < bytes.count else { throw .missingItem }
        switch bytes[index] {
        case UInt8(ascii: "{"), UInt8(ascii: "("):
            let isName = bytes[index] == UInt8(ascii: "(")
            guard let end = bytes[index...].firstIndex(of: isName ? UInt8(ascii: ")") : UInt8(ascii: "}")) else {
                throw isName ? .unterminatedName : .unterminatedFlags
            }
            let inner = text(index + 1..<end)
            index = end + 1
            inItem = true
            return isName ? .name(inner) : .flags(inner)
        case UInt8(ascii: "["):
            guard let end = closingBracket(from: index + 1) else { throw .unterminatedSample }
            let expression = text(index + 1..<end)
            index = end + 1
            inItem = false
            return .sample(expression)
        default:
            let start = index
            while index < bytes.count, Self.isNameByte(bytes[index]) { index += 1 }
            inItem = false
            return .variable(text(start..<index))
        }
    }

    /// The `]` closing a `%[`: brackets inside a converter's parentheses (`field(1,])`) and escaped
    /// ones (`\]`) do not close it.
    private func closingBracket(from start: Int) -> Int? {
        var depth = 0
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 1
            case UInt8(ascii: "("): depth += 1
            case UInt8(ascii: ")"): depth -= 1
            case UInt8(ascii: "]") where depth <= 0: return index
            default: break
            }
            index += 1
        }
        return nil
    }

    private func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    private static let space = UInt8(ascii: " ")
    private static let percent = UInt8(ascii: "%")

    /// Variable names are letters and digits only, as in HAProxy (the documented unique-id format
    /// `%ci:%cp_%fi:%fp_%Ts_%rt:%pid` depends on `_` ending a name).
    private static func isNameByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
