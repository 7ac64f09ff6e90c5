/// The lines that start with a dot: conditional blocks (`.if`, `.elif`, `.else`, `.endif`) and messages
/// (`.diag`, `.notice`, `.warning`, `.alert`), as HAProxy 2.4 introduced them.
extension ConfigurationParser {
    /// Handles `.if`/`.elif`/`.else`/`.endif`, whether or not the current branch is taken; returns false for
    /// any other line. A misplaced directive or a condition that cannot be read or answered stops the
    /// parse (`aborted`), since which lines follow is then unknown.
    mutating func handleBlockDirective(_ directive: Directive, blocks: inout ConditionalBlocks, diagnosticsBefore: Int) -> Bool {
        guard let keyword = directive.words.first?.bare, [".if", ".elif", ".else", ".endif"].contains(keyword) else { return false }
        let outcome: ConditionalBlocks.Outcome
        switch keyword {
        case ".if", ".elif":
            // `.if "${WITH_TLS}"` is written to test variables that may be unset: no warning for those.
            dropWarnings(since: diagnosticsBefore)
            if keyword == ".if" {
                outcome = blocks.openIf(at: directive.location) { self.evaluateCondition(directive) }
            } else {
                outcome = blocks.elseIf { self.evaluateCondition(directive) }
            }
        case ".else":
            context.noExtraArguments(directive, after: 1, keyword)
            outcome = blocks.otherwise()
        default:
            context.noExtraArguments(directive, after: 1, keyword)
            outcome = blocks.close()
        }
        switch outcome {
        case .applied:
            break
        case .misplaced(let message):
            context.error(message, at: directive.location)
            aborted = true
        case .conditionFailed:
            aborted = true
        }
        return true
    }

    /// The value of the condition after `.if`/`.elif` (its words joined by single spaces, as HAProxy
    /// joins them); nil, with an error recorded, when it does not parse or cannot be answered.
    private mutating func evaluateCondition(_ directive: Directive) -> Bool? {
        let text = directive.texts(from: 1).joined(separator: " ")
        let keyword = directive.keyword
        do {
            let condition = try ConfigConditionParser.parse(text)
            do {
                return try condition.evaluate(environment: context.environment)
            } catch {
                context.error("cannot evaluate the condition of '\(keyword)': \(error)", at: directive.location(of: 1))
                return nil
            }
        } catch {
            context.error("invalid condition in '\(keyword) \(text)' at position \(error.position): \(error.message)",
                          at: directive.location(of: 1), hint: Self.conditionHint)
            return nil
        }
    }

    static let conditionHint = "a condition combines numbers, predicates such as defined(VAR), feature(NAME), streq(A,B), "
        + "strneq(A,B), version_atleast(2.4) and version_before(2.8), '!', '&&', '||' and parentheses"

    /// Handles `.diag`, `.notice`, `.warning` and `.alert` in a branch that is read, and refuses other
    /// lines starting with a dot; returns false for every other line.
    mutating func handleMessageDirective(_ directive: Directive) -> Bool {
        guard let keyword = directive.words.first?.bare, keyword.hasPrefix(".") else { return false }
        let severity: Diagnostic.Severity
        switch keyword {
        case ".diag": severity = .diagnostic
        case ".notice": severity = .notice
        case ".warning": severity = .warning
        case ".alert": severity = .error
        default:
            context.error("unknown directive '\(keyword)'", at: directive.location,
                          hint: "lines starting with a dot are .if, .elif, .else, .endif, .diag, .notice, .warning and .alert")
            return true
        }
        if directive.count > 2 {
            context.error("unexpected argument '\(directive.words[2].text)' after '\(keyword)'", at: directive.location(of: 2),
                          hint: "put the message in quotes: \(keyword) \"a message with spaces\"")
            return true
        }
        let message = directive.text(1) ?? ""
        if severity == .error {
            // HAProxy stops at an alert: it is how a configuration says it must not run here.
            context.diagnostics.append(Diagnostic(.error, at: directive.location, "alert: \(message)",
                                                  hint: "the configuration raised this '.alert': lb does not start with it"))
            aborted = true
        } else {
            context.diagnostics.append(Diagnostic(severity, at: directive.location, message))
        }
        return true
    }

    /// Forgets the warnings recorded since `start`, keeping errors.
    mutating func dropWarnings(since start: Int) {
        guard context.diagnostics.count > start else { return }
        let kept = context.diagnostics[start...].filter { $0.severity != .warning }
        context.diagnostics.replaceSubrange(start..., with: kept)
    }
}
