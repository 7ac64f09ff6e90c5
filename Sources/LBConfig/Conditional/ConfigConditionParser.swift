/// Reads the text of a condition (the words after `.if`, joined by one space, or `lb -cc`'s argument).
///
/// - An empty condition is false.
/// - A term is a number (C's `strtol` syntax: `0`, `1`, `-1`, `0x10`; zero is false), a predicate with its
///   arguments in parentheses, or a condition in parentheses; `!` before a term negates it.
/// - `&&` binds tighter than `||`: `a && b || c && d` is `(a && b) || (c && d)`.
/// - Predicate arguments are separated by commas. Quotes group (`streq("a,b",x)`) and a backslash escapes
///   `\\`, a space, or a quote; spaces are kept, so `streq(a, b)` compares "a" with " b", as HAProxy does.
public enum ConfigConditionParser {
    /// A condition that does not parse: what is wrong, and where (1-based position in the text).
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public let message: String
        public let position: Int
        public var description: String { "\(message) at position \(position)" }
    }

    /// Nesting of parentheses and `!` beyond this is refused, so a hostile line cannot exhaust the stack.
    static let maximumDepth = 64

    public static func parse(_ text: String) throws(Failure) -> ConfigCondition {
        var reader = Reader(Array(text.unicodeScalars))
        reader.skipBlanks()
        if reader.atEnd { return .constant(false) }
        let condition = try reader.expression(depth: 0)
        reader.skipBlanks()
        if let extra = reader.peek {
            throw reader.failure("unexpected character '\(extra)' after the condition")
        }
        return condition
    }

    private struct Reader {
        let scalars: [Unicode.Scalar]
        var index = 0

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var atEnd: Bool { index >= scalars.count }
        var peek: Unicode.Scalar? { atEnd ? nil : scalars[index] }

        func failure(_ message: String, at position: Int? = nil) -> Failure {
            Failure(message: message, position: (position ?? index) + 1)
        }

        mutating func skipBlanks() {
            while let scalar = peek, scalar == " " || scalar == "\t" { index += 1 }
        }

        /// Consumes `operator` (after blanks) when it comes next.
        mutating func take(_ two: String) -> Bool {
            skipBlanks()
            let wanted = Array(two.unicodeScalars)
            guard index + wanted.count <= scalars.count, Array(scalars[index..<(index + wanted.count)]) == wanted else { return false }
            index += wanted.count
            return true
        }

        mutating func expression(depth: Int) throws(Failure) -> ConfigCondition {
            var terms = [try conjunction(depth: depth)]
            while take("||") { terms.append(try conjunction(depth: depth)) }
            return terms.count == 1 ? terms[0] : .any(terms)
        }

        mutating func conjunction(depth: Int) throws(Failure) -> ConfigCondition {
            var terms = [try term(depth: depth)]
            while take("&&") { terms.append(try term(depth: depth)) }
            return terms.count == 1 ? terms[0] : .all(terms)
        }

        mutating func term(depth: Int) throws(Failure) -> ConfigCondition {
            guard depth < ConfigConditionParser.maximumDepth else { throw failure("condition nested too deeply") }
            skipBlanks()
            guard let first = peek else { throw failure("missing term at the end of the condition") }
            if first == "!" {
                index += 1
                return .not(try term(depth: depth + 1))
            }
            if first == "(" {
                let open = index
                index += 1
                let inner = try expression(depth: depth + 1)
                skipBlanks()
                guard peek == ")" else { throw failure("missing ')' to close the '(' at position \(open + 1)") }
                index += 1
                return inner
            }
            if let number = number() { return .constant(number != 0) }
            let start = index
            while let scalar = peek, scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" {
                index += 1
            }
            let name = String(String.UnicodeScalarView(scalars[start..<index]))
            guard !name.isEmpty else { throw failure("unexpected character '\(first)'; expected a predicate, a number, '!' or '('") }
            guard let predicate = ConfigPredicate(rawValue: name) else {
                let known = ConfigPredicate.allCases.map(\.rawValue).joined(separator: ", ")
                throw failure("unknown predicate '\(name)' (lb knows \(known))", at: start)
            }
            let arguments = try self.arguments(of: predicate)
            if let problem = predicate.validate(arguments) { throw failure(problem, at: start) }
            return .predicate(predicate, arguments)
        }

        /// A number as C's `strtol(_, _, 0)` reads one (sign, then decimal, `0x` hex or `0` octal digits).
        mutating func number() -> Int64? {
            var cursor = index
            var negative = false
            if cursor < scalars.count, scalars[cursor] == "+" || scalars[cursor] == "-" {
                negative = scalars[cursor] == "-"
                cursor += 1
            }
            var radix: Int64 = 10
            if cursor + 1 < scalars.count, scalars[cursor] == "0", scalars[cursor + 1] == "x" || scalars[cursor + 1] == "X",
               cursor + 2 < scalars.count, scalars[cursor + 2].properties.isASCIIHexDigit {
                radix = 16
                cursor += 2
            } else if cursor < scalars.count, scalars[cursor] == "0" {
                radix = 8
            }
            var value: Int64 = 0
            var digits = 0
            while cursor < scalars.count, let digit = Self.digit(scalars[cursor], radix: radix) {
                value = value.multipliedReportingOverflow(by: radix).partialValue &+ digit
                cursor += 1
                digits += 1
            }
            guard digits > 0 else { return nil }
            index = cursor
            return negative ? -value : value
        }

        static func digit(_ scalar: Unicode.Scalar, radix: Int64) -> Int64? {
            let value: Int64
            switch scalar {
            case "0"..."9": value = Int64(scalar.value - 48)
            case "a"..."f": value = Int64(scalar.value - 87)
            case "A"..."F": value = Int64(scalar.value - 55)
            default: return nil
            }
            return value < radix ? value : nil
        }

        /// `(ARG,ARG...)` right after a predicate's name, exactly `predicate.arity` of them.
        mutating func arguments(of predicate: ConfigPredicate) throws(Failure) -> [String] {
            guard peek == "(" else {
                throw failure("'\(predicate.rawValue)' expects \(predicate.arity == 1 ? "an argument" : "\(predicate.arity) arguments") in parentheses")
            }
            let open = index
            index += 1
            var arguments: [String] = []
            var current = String.UnicodeScalarView()
            var single = false
            var double = false
            while true {
                guard let scalar = peek else {
                    throw failure("missing ')' to close the arguments of '\(predicate.rawValue)' opened at position \(open + 1)")
                }
                index += 1
                if scalar == "\"" && !single { double.toggle(); continue }
                if scalar == "'" && !double { single.toggle(); continue }
                if scalar == "\\" && !single, let next = peek {
                    index += 1
                    switch next {
                    case "\\", " ", "\"", "'": current.append(next)
                    case "n": current.append("\n")
                    case "r": current.append("\r")
                    case "t": current.append("\t")
                    default: current.append(scalar); index -= 1
                    }
                    continue
                }
                if !single && !double && (scalar == "," || scalar == ")") {
                    arguments.append(String(current))
                    current = String.UnicodeScalarView()
                    if scalar == ")" { break }
                    continue
                }
                current.append(scalar)
            }
            guard arguments.count == predicate.arity else {
                let expected = predicate.arity == 1 ? "1 argument" : "\(predicate.arity) arguments"
                throw failure("'\(predicate.rawValue)' takes \(expected), not \(arguments.count)", at: open)
            }
            return arguments
        }
    }
}
