import LBConfig

/// Turns `ACLCriterion` values into `ACLTest`s, reporting problems at the criterion's location.
enum ACLCompiler {
    /// Suffixes that imply a match method (`path_beg` = `path -m beg`).
    private static let methodSuffixes: [String: MatchMethod] = [
        "beg": .beg, "end": .end, "sub": .sub, "reg": .reg, "dir": .dir, "dom": .dom, "len": .len,
    ]
    /// Fetches that take a suffixed form, by the prefix written.
    private static let suffixableFetches: [String: String] = [
        "path": "path", "url": "url", "hdr": "hdr", "cook": "req.cook", "urlp": "urlp", "base": "base",
        "url_param": "urlp", "shdr": "res.hdr",
    ]

    /// Compiles one test; nil (with an error in `environment`) when it is invalid.
    static func compile(_ criterion: ACLCriterion, environment: inout CompileEnvironment) -> ACLTest? {
        let location = criterion.location
        func fail(_ message: String, hint: String? = nil) -> ACLTest? {
            environment.error(message, at: location, hint: hint)
            return nil
        }
        guard var calls = CallSyntax.parse(criterion.fetch[...]), !calls.isEmpty else {
            return fail("cannot parse ACL fetch '\(criterion.fetch)'")
        }

        // Suffixed and typed forms: path_beg, hdr_val, hdr_ip...
        var impliedMethod: MatchMethod?
        var impliedConverter: Converter?
        let head = calls[0].name
        switch head {
        case "hdr_val", "cook_val", "urlp_val":
            calls[0].name = head == "hdr_val" ? "hdr" : head == "cook_val" ? "req.cook" : "urlp"
            impliedConverter = .toInteger
            impliedMethod = .int
        case "hdr_ip":
            calls[0].name = "hdr"
            impliedConverter = .toAddress
            impliedMethod = .ip
        default:
            if let underscore = head.lastIndex(of: "_"),
               let method = methodSuffixes[String(head[head.index(after: underscore)...])],
               let base = suffixableFetches[String(head[..<underscore])] {
                calls[0].name = base
                impliedMethod = method
            }
        }
        if impliedMethod != nil && calls.count > 1 {
            return fail("'\(head)' cannot be followed by converters", hint: "use the plain fetch with '-m'")
        }

        // Flags.
        var ignoreCase = false
        var explicitMethod: MatchMethod?
        var files: [String] = []
        var flagIndex = 0
        let flags = criterion.flags
        while flagIndex < flags.count {
            let flag = flags[flagIndex]
            switch flag {
            case "-i": ignoreCase = true
            case "-n", "--": break
            case "-m", "-f", "-u", "-M":
                guard flagIndex + 1 < flags.count else { return fail("ACL flag '\(flag)' needs an argument") }
                let argument = flags[flagIndex + 1]
                flagIndex += 1
                if flag == "-m" {
                    guard let method = MatchMethod(rawValue: argument) else {
                        return fail("unsupported match method '-m \(argument)'",
                                    hint: "use one of " + MatchMethod.allCases.map(\.rawValue).joined(separator: " "))
                    }
                    explicitMethod = method
                } else if flag == "-f" {
                    files.append(argument)
                }
            default:
                return fail("unknown ACL flag '\(flag)'")
            }
            flagIndex += 1
        }
        if impliedMethod != nil, explicitMethod != nil {
            return fail("'\(head)' already implies a match method and cannot take '-m'")
        }

        // Fetch and converters.
        var expression: SampleExpression
        do {
            expression = try SampleExpression.compile(Substring(render(calls)), environment: environment)
        } catch {
            return fail(error.message, hint: error.hint)
        }
        if let impliedConverter { expression.converters.append(impliedConverter) }
        if case .unimplemented(let name) = expression.fetch {
            environment.warning("fetch '\(name)' is not implemented yet; this ACL never matches", at: location)
        }

        // Patterns: an optional integer operator, inline words, then files.
        var patterns = criterion.patterns
        var op: String?
        if let first = patterns.first, IntegerRange.operators.contains(first) {
            op = first
            patterns.removeFirst()
        }
        for file in files {
            guard let lines = TextFile.readPatterns(file) else {
                return fail("cannot read ACL pattern file '\(file)'")
            }
            patterns += lines
        }

        let method = impliedMethod ?? explicitMethod ?? MatchMethod.default(for: expression.type)
        if expression.fetch == .method && method == .str && explicitMethod == nil {
            ignoreCase = true  // methods compare without case, as the documentation of `method` says
        }
        switch Matcher.compile(method: method, ignoreCase: ignoreCase, operator: op, patterns: patterns) {
        case .success(let matcher):
            return ACLTest(kind: .sample(expression, matcher))
        case .failure(let error):
            return fail("ACL '\(criterion.fetch)': \(error.message)", hint: error.hint)
        }
    }

    /// Writes calls back as text for `SampleExpression.compile`, escaping what the syntax reserves.
    private static func render(_ calls: [SampleCall]) -> String {
        calls.map { call in
            guard !call.arguments.isEmpty else { return call.name }
            let arguments = call.arguments.map { argument in
                var escaped = ""
                for character in argument {
                    if character == "," || character == ")" || character == "(" || character == "\\" { escaped.append("\\") }
                    escaped.append(character)
                }
                return escaped
            }
            return call.name + "(" + arguments.joined(separator: ",") + ")"
        }.joined(separator: ",")
    }
}
