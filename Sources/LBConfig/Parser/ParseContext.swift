/// What every section parser shares: the diagnostics found so far, the environment used for `${VAR}`,
/// and facts about the process that change how some keywords apply.
struct ParseContext {
    var diagnostics: [Diagnostic] = []
    var environment: [String: String]
    /// Whether lb runs as root: `user`, `group` and `chroot` apply only then.
    var isRoot: Bool
    /// How many more names `nameHint` may compare against. A suggestion among the names a configuration
    /// declares costs one comparison per name, so suggesting for every unknown reference would make
    /// checking quadratic (8,000 typos among 8,000 backends); once spent, references get no suggestion.
    var nameComparisonsLeft = 100_000
    /// The global section's TLS defaults, applied to every TLS listener parsed after it.
    var tlsDefaults = BindTLSDefaults()

    mutating func error(_ message: String, at location: SourceLocation, hint: String? = nil) {
        diagnostics.append(.error(message, at: location, hint: hint))
    }

    mutating func warning(_ message: String, at location: SourceLocation, hint: String? = nil) {
        diagnostics.append(.warning(message, at: location, hint: hint))
    }

    /// A "did you mean" hint for `name` among names declared in the configuration, within the budget.
    mutating func nameHint(for name: String, among names: some Collection<String>) -> String? {
        guard names.count <= nameComparisonsLeft else { return nil }
        nameComparisonsLeft -= names.count
        return Spelling.hint(for: name, among: names)
    }

    /// Reports that `what` is accepted for compatibility but has no effect yet.
    mutating func notApplied(_ what: String, at location: SourceLocation) {
        warning("\(what) is parsed but not yet applied by lb", at: location)
    }

    // MARK: Typed arguments

    /// The word at `index` as an integer in `range`; records an error naming the keyword otherwise.
    mutating func integer(_ directive: Directive, _ index: Int, _ what: String, in range: ClosedRange<Int>) -> Int? {
        guard let word = directive[index] else {
            error("'\(what)' expects an integer argument", at: directive.location)
            return nil
        }
        guard let value = Int(word.text), range.contains(value) else {
            let bound = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
            error("invalid value '\(word.text)' for '\(what)': expected an integer \(bound)", at: directive.location(of: index))
            return nil
        }
        return value
    }

    /// The word at `index` as a duration in milliseconds.
    mutating func duration(_ directive: Directive, _ index: Int, _ what: String) -> Int? {
        quantity(directive, index, what, "duration", hint: DurationParsing.hint, DurationParsing.milliseconds)
    }

    /// The word at `index` as a duration in whole seconds, where a bare number means seconds (as for
    /// `cookie ... maxidle`); rounded up, and not capped at the millisecond timers' 24.8 days.
    mutating func durationInSeconds(_ directive: Directive, _ index: Int, _ what: String) -> Int? {
        quantity(directive, index, what, "duration", hint: DurationParsing.secondsHint, DurationParsing.seconds)
    }

    /// The word at `index` as a size in bytes.
    mutating func size(_ directive: Directive, _ index: Int, _ what: String) -> Int? {
        quantity(directive, index, what, "size", hint: SizeParsing.hint, SizeParsing.bytes)
    }

    /// The word at `index` read by `parse`; a missing or unreadable word is an error at its place.
    private mutating func quantity(_ directive: Directive, _ index: Int, _ what: String, _ kind: String, hint: String,
                                   _ parse: (String) -> Int?) -> Int? {
        guard let word = directive[index] else {
            error("'\(what)' expects a \(kind)", at: directive.location, hint: hint)
            return nil
        }
        guard let value = parse(word.text) else {
            error("invalid \(kind) '\(word.text)' for '\(what)'", at: directive.location(of: index), hint: hint)
            return nil
        }
        return value
    }

    /// The word at `index` as text; records an error when it is missing.
    mutating func argument(_ directive: Directive, _ index: Int, _ what: String, _ expected: String) -> String? {
        guard let word = directive[index] else {
            error("'\(what)' expects \(expected)", at: directive.location)
            return nil
        }
        return word.text
    }

    /// Records an error when the directive has words past `count`.
    mutating func noExtraArguments(_ directive: Directive, after count: Int, _ what: String) {
        if directive.count > count {
            error("unexpected argument '\(directive.words[count].text)' after '\(what)'", at: directive.location(of: count))
        }
    }
}
