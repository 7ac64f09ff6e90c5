/// `lb -cc EXPR`: a condition given on the command line, read as a `.if` line's would be (quotes,
/// backslashes and `${VAR}` expanded, then the words joined by single spaces) and evaluated.
public enum ConditionCheck {
    /// Why the condition has no value: it does not parse, or lb cannot answer it.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public static func evaluate(_ text: String, environment: [String: String]) throws(Failure) -> Bool {
        var diagnostics: [Diagnostic] = []
        guard let words = Lexer.words(in: Substring(text), file: "-cc", lineNumber: 1, environment: environment,
                                      diagnostics: &diagnostics) else {
            let error = diagnostics.first { $0.severity == .error }
            throw Failure(description: "syntax error in condition: \(error?.message ?? "cannot split it into words")")
        }
        let joined = words.map(\.text).joined(separator: " ")
        let condition: ConfigCondition
        do {
            condition = try ConfigConditionParser.parse(joined)
        } catch {
            throw Failure(description: "invalid condition '\(joined)' at position \(error.position): \(error.message)")
        }
        do {
            return try condition.evaluate(environment: environment)
        } catch {
            throw Failure(description: "cannot evaluate '\(joined)': \(error)")
        }
    }
}
