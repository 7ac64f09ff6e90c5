import LBConfig
import LBShared

/// A log-format string as used in header values, redirect targets, `lf-string` bodies and dynamic
/// backend names: literal text, `%[sample]` expressions, a few `%xx` variables, and `%%` for `%`.
struct LogFormatTemplate: Sendable, Hashable {
    enum Variable: String, Sendable, Hashable, CaseIterable {
        case clientIP = "ci"
        case clientPort = "cp"
        case frontendIP = "fi"
        case frontendPort = "fp"
        case method = "HM"
        case path = "HP"
        case uri = "HU"
        case query = "HQ"
        case version = "HV"
    }

    enum Part: Sendable, Hashable {
        case literal(String)
        case sample(SampleExpression)
        case variable(Variable)
    }

    var parts: [Part]

    /// Text without any `%` expression, known at compile time.
    var constantText: String? {
        if parts.isEmpty { return "" }
        if parts.count == 1, case .literal(let text) = parts[0] { return text }
        return nil
    }

    init(parts: [Part]) { self.parts = parts }
    init(literal: String) { parts = literal.isEmpty ? [] : [.literal(literal)] }

    /// Compiles `text`; unimplemented fetches produce warnings at `location` and expand to nothing.
    static func compile(_ text: String, at location: SourceLocation, environment: inout CompileEnvironment) -> LogFormatTemplate? {
        var lexer = LogFormatLexer(text)
        var parts: [Part] = []
        var literal = ""
        func flush() {
            if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
        }
        while true {
            let token: LogFormatToken
            do {
                guard let next = try lexer.next() else { break }
                token = next
            } catch {
                let (message, hint) = Self.message(error, in: text)
                environment.error(message, at: location, hint: hint)
                return nil
            }
            switch token {
            case .literal(let bytes):
                literal += String(decoding: bytes, as: UTF8.self)
            case .spaces(let count):
                // Printed as written: one separator per run is a rule of log lines, not of header values.
                literal += String(repeating: " ", count: count)
            case .flags, .name:
                // Formatting options such as %{+Q} and JSON names: accepted and ignored (they matter for
                // logs, not headers).
                continue
            case .sample(let source):
                do {
                    let expression = try SampleExpression.compile(Substring(source), environment: environment)
                    if case .unimplemented(let name) = expression.fetch {
                        environment.warning("fetch '\(name)' is not implemented yet; it expands to an empty string", at: location)
                    }
                    flush()
                    parts.append(.sample(expression))
                } catch {
                    environment.error(error.message, at: location, hint: error.hint)
                    return nil
                }
            case .variable(let name):
                guard let variable = Variable(rawValue: name) else {
                    environment.error("log-format variable '%\(name)' is not available here", at: location,
                                      hint: "use %[fetch] samples, or one of " + Variable.allCases.map { "%" + $0.rawValue }.joined(separator: " "))
                    return nil
                }
                flush()
                parts.append(.variable(variable))
            }
        }
        flush()
        return LogFormatTemplate(parts: parts)
    }

    private static func message(_ error: LogFormatLexError, in text: String) -> (String, hint: String?) {
        switch error {
        case .lonePercent: ("log-format '\(text)' ends with a lone '%'", "write %% for a literal percent sign")
        case .unterminatedFlags: ("log-format '\(text)': unterminated '%{'", nil)
        case .unterminatedName: ("log-format '\(text)': unterminated '%('", nil)
        case .unterminatedSample: ("log-format '\(text)': missing ']' after '%['", nil)
        case .missingItem: ("log-format '\(text)': '%{...}' and '%(...)' must be followed by a variable or [sample]", nil)
        }
    }

    /// The text for one request. An absent sample expands to nothing.
    func evaluate(in context: SampleContext) -> String {
        if let constantText { return constantText }
        var output = ""
        for part in parts {
            switch part {
            case .literal(let text): output += text
            case .sample(let expression):
                if let value = expression.value(in: context) { output += value.text }
            case .variable(let variable): output += Self.expand(variable, context)
            }
        }
        return output
    }

    private static func expand(_ variable: Variable, _ context: SampleContext) -> String {
        let connection = context.connection
        switch variable {
        case .clientIP: return connection.source?.description ?? ""
        case .clientPort: return String(connection.sourcePort)
        case .frontendIP: return connection.destination?.description ?? ""
        case .frontendPort: return String(connection.destinationPort)
        case .method: return context.head?.method ?? ""
        case .uri: return context.head?.uri ?? ""
        case .path: return context.head.flatMap { RequestURI($0.uri).path.map(String.init) } ?? ""
        case .query: return context.head.flatMap { RequestURI($0.uri).query.map { "?" + $0 } } ?? ""
        case .version: return context.head?.version.description ?? ""
        }
    }
}
