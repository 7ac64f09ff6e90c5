import LBConfig

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
        var parts: [Part] = []
        var literal = ""
        var index = text.startIndex
        func flush() {
            if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
        }
        while index < text.endIndex {
            let character = text[index]
            guard character == "%" else {
                literal.append(character)
                index = text.index(after: index)
                continue
            }
            var next = text.index(after: index)
            guard next < text.endIndex else {
                environment.error("log-format '\(text)' ends with a lone '%'", at: location, hint: "write %% for a literal percent sign")
                return nil
            }
            if text[next] == "%" {
                literal.append("%")
                index = text.index(after: next)
                continue
            }
            if text[next] == "{" {
                // Formatting options such as %{+Q}: accepted and ignored (they matter for logs, not headers).
                guard let close = text[next...].firstIndex(of: "}") else {
                    environment.error("log-format '\(text)': unterminated '%{'", at: location)
                    return nil
                }
                next = text.index(after: close)
                guard next < text.endIndex else {
                    environment.error("log-format '\(text)': '%{...}' must be followed by a variable or [sample]", at: location)
                    return nil
                }
            }
            if text[next] == "[" {
                let start = text.index(after: next)
                var depth = 0
                var cursor = start
                var end: String.Index?
                while cursor < text.endIndex {
                    let c = text[cursor]
                    if c == "\\" {
                        cursor = text.index(after: cursor)
                        if cursor == text.endIndex { break }
                    } else if c == "(" {
                        depth += 1
                    } else if c == ")" {
                        depth -= 1
                    } else if c == "]" && depth <= 0 {
                        end = cursor
                        break
                    }
                    cursor = text.index(after: cursor)
                }
                guard let end else {
                    environment.error("log-format '\(text)': missing ']' after '%['", at: location)
                    return nil
                }
                do {
                    let expression = try SampleExpression.compile(text[start..<end], environment: environment)
                    if case .unimplemented(let name) = expression.fetch {
                        environment.warning("fetch '\(name)' is not implemented yet; it expands to an empty string", at: location)
                    }
                    flush()
                    parts.append(.sample(expression))
                } catch {
                    environment.error(error.message, at: location, hint: error.hint)
                    return nil
                }
                index = text.index(after: end)
                continue
            }
            var nameEnd = next
            while nameEnd < text.endIndex, text[nameEnd].isASCII, text[nameEnd].isLetter { nameEnd = text.index(after: nameEnd) }
            let name = String(text[next..<nameEnd])
            guard let variable = Variable(rawValue: name) else {
                environment.error("log-format variable '%\(name)' is not available here", at: location,
                                  hint: "use %[fetch] samples, or one of " + Variable.allCases.map { "%" + $0.rawValue }.joined(separator: " "))
                return nil
            }
            flush()
            parts.append(.variable(variable))
            index = nameEnd
        }
        flush()
        return LogFormatTemplate(parts: parts)
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
