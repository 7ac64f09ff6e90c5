/// `if|unless` conditions and ACL criteria.
///
/// A condition is a list of terms AND-ed by juxtaposition, in groups separated by `or` (or `||`). `!`
/// negates the next term and may be written attached (`!is_static`). `{ ... }` (braces as separate words)
/// holds an anonymous ACL written like an `acl` line without its name. There are no parentheses.
enum ConditionParser {
    /// Splits the words of a rule at its first unquoted `if` or `unless`. The condition part starts with
    /// that keyword; it is nil when the rule has no condition.
    static func split(_ words: ArraySlice<Word>) -> (arguments: ArraySlice<Word>, condition: ArraySlice<Word>?) {
        guard let at = words.firstIndex(where: { $0.bare == "if" || $0.bare == "unless" }) else { return (words, nil) }
        return (words[..<at], words[at...])
    }

    /// Parses `if|unless TERMS...`. Named ACLs used are appended to `references` for checking once the
    /// whole section is known.
    static func parse(
        _ words: ArraySlice<Word>,
        directive: Directive,
        references: inout [(name: String, location: SourceLocation)],
        context: inout ParseContext
    ) -> Condition? {
        guard let first = words.first else { return nil }
        let polarity: Condition.Polarity = first.text == "if" ? .if : .unless
        let start = words.startIndex
        guard words.count > 1 else {
            context.error("'\(first.text)' expects a condition", at: directive.location(of: start),
                          hint: "for example: if { path_beg /api } or if is_static")
            return nil
        }

        var groups: [[Condition.Term]] = [[]]
        var negated = false
        var index = start + 1
        while index < words.endIndex {
            let word = words[index]
            let location = directive.location(of: index)
            switch word.bare {
            case "or", "||":
                guard !negated, !(groups.last?.isEmpty ?? true) else {
                    context.error("'\(word.text)' must stand between two terms", at: location)
                    return nil
                }
                groups.append([])
                index += 1
            case "!":
                guard !negated else {
                    context.error("'!' cannot follow another '!'", at: location)
                    return nil
                }
                negated = true
                index += 1
            case "{", "!{":
                // `!{ ... }` negates an anonymous ACL, as `! { ... }` does.
                if word.bare == "!{" {
                    guard !negated else {
                        context.error("'!' cannot follow another '!'", at: location)
                        return nil
                    }
                    negated = true
                }
                guard let close = words[(index + 1)...].firstIndex(where: { $0.bare == "}" }) else {
                    context.error("'{' without a matching '}'", at: location,
                                  hint: "braces must be separate words: { path_beg /api }")
                    return nil
                }
                guard close > index + 1 else {
                    context.error("empty anonymous ACL '{ }'", at: location)
                    return nil
                }
                guard let criterion = ACLCriterionParser.parse(words[(index + 1)..<close], directive: directive, context: &context) else {
                    return nil
                }
                groups[groups.count - 1].append(Condition.Term(negated: negated, acl: .anonymous(criterion)))
                negated = false
                index = close + 1
            case "}":
                context.error("'}' without a matching '{'", at: location)
                return nil
            default:
                var name = word.text
                if !word.quoted, name.hasPrefix("!"), name.count > 1 {
                    guard !negated else {
                        context.error("'!' cannot follow another '!'", at: location)
                        return nil
                    }
                    negated = true
                    name.removeFirst()
                }
                if !word.quoted, name.hasPrefix("{") || name.hasSuffix("}") {
                    context.error("braces of an anonymous ACL must be separate words: '\(word.text)'", at: location,
                                  hint: "write { \(name.trimmingBraces) } with spaces inside the braces")
                    return nil
                }
                references.append((name, location))
                groups[groups.count - 1].append(Condition.Term(negated: negated, acl: .named(name)))
                negated = false
                index += 1
            }
        }
        if negated {
            context.error("'!' at the end of a condition negates nothing", at: directive.location(of: words.endIndex - 1))
            return nil
        }
        if groups.last?.isEmpty ?? true {
            context.error("a condition cannot end with 'or'", at: directive.location(of: words.endIndex - 1))
            return nil
        }
        return Condition(polarity: polarity, groups: groups, location: directive.location(of: start))
    }

    /// Checks the named ACLs a section used against those it declares and the predefined ones.
    static func checkReferences(
        _ references: [(name: String, location: SourceLocation)],
        declared: Set<String>,
        context: inout ParseContext
    ) {
        var candidates: Set<String>?
        for reference in references where !declared.contains(reference.name) && !PredefinedACLs.names.contains(reference.name) {
            if candidates == nil { candidates = declared.union(PredefinedACLs.names) }
            context.error("unknown ACL '\(reference.name)'", at: reference.location,
                          hint: context.nameHint(for: reference.name, among: candidates ?? [])
                            ?? "declare it with 'acl \(reference.name) ...' in the same section")
        }
    }
}

/// `fetch[(args)][,converter...] [flags] [operator] [patterns...]`.
enum ACLCriterionParser {
    static let matchMethods: Set<String> = ["found", "bool", "int", "ip", "bin", "len", "str", "sub", "reg", "beg", "end", "dom", "dir"]

    static func parse(_ words: ArraySlice<Word>, directive: Directive, context: inout ParseContext) -> ACLCriterion? {
        guard let fetchWord = words.first else {
            context.error("an ACL needs a criterion", at: directive.location)
            return nil
        }
        let fetchIndex = words.startIndex
        let fetch = fetchWord.text
        guard fetch.balancedParentheses, !fetch.isEmpty, !fetch.hasPrefix("-") else {
            context.error("invalid ACL criterion '\(fetch)'", at: directive.location(of: fetchIndex),
                          hint: "expected a sample fetch such as path_beg, hdr(host) or src")
            return nil
        }
        var flags: [String] = []
        var index = fetchIndex + 1
        flagLoop: while index < words.endIndex, let flag = words[index].bare, flag.hasPrefix("-") {
            switch flag {
            case "--":
                index += 1
                break flagLoop
            case "-i", "-n", "-M":
                flags.append(flag)
                index += 1
            case "-m", "-f", "-u":
                guard index + 1 < words.endIndex else {
                    context.error("ACL flag '\(flag)' expects an argument", at: directive.location(of: index))
                    return nil
                }
                let value = words[index + 1].text
                if flag == "-m", !matchMethods.contains(value) {
                    context.error("unknown ACL match method '\(value)'", at: directive.location(of: index + 1),
                                  hint: "expected one of: " + matchMethods.sorted().joined(separator: " "))
                    return nil
                }
                flags += [flag, value]
                index += 2
            default:
                context.error("unknown ACL flag '\(flag)'", at: directive.location(of: index),
                              hint: "write '--' before a pattern that starts with '-'")
                return nil
            }
        }
        let patterns = words[index...].map(\.text)
        return ACLCriterion(fetch: fetch, flags: flags, patterns: patterns, location: directive.location(of: fetchIndex))
    }
}

extension String {
    /// True when every `(` has its `)` and none closes early.
    var balancedParentheses: Bool {
        var depth = 0
        for character in self {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1; if depth < 0 { return false } }
        }
        return depth == 0
    }

    var trimmingBraces: String {
        var text = Substring(self)
        while text.hasPrefix("{") { text = text.dropFirst() }
        while text.hasSuffix("}") { text = text.dropLast() }
        return String(text)
    }
}
