import LBShared

extension LogFormat {
    /// Compiles a `log-format` string; errors name the offending part.
    public init(_ source: String) throws(LogFormatError) {
        var lexer = LogFormatLexer(source)
        var nodes: [Node] = []
        var literal: [UInt8] = []
        var samples: [String] = []
        var globalFlags: LogFormatFlags = []
        // The modifiers of the item being read; back to the `%{...}o` defaults after each item.
        var attributes = Attributes(flags: globalFlags, name: nil, type: nil)
        var sawFlags = false

        func flushLiteral() {
            if !literal.isEmpty { nodes.append(.literal(literal)); literal.removeAll() }
        }
        func endItem() {
            attributes = Attributes(flags: globalFlags, name: nil, type: nil)
            sawFlags = false
        }
        func fail(_ message: String) -> LogFormatError { LogFormatError(message: "log-format '\(source)': \(message)") }
        func nextToken() throws(LogFormatError) -> LogFormatToken? {
            do {
                return try lexer.next()
            } catch {
                throw fail(Self.message(error))
            }
        }

        while let token = try nextToken() {
            switch token {
            case .literal(let bytes):
                literal.append(contentsOf: bytes)
            case .spaces:
                flushLiteral()
                if nodes.last != .separator { nodes.append(.separator) }
            case .name(let inner):
                let parts = inner.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                guard let name = parts.first, !name.isEmpty else { throw fail("empty item name in '%(\(inner))'") }
                attributes.name = String(name)
                if parts.count == 2 {
                    guard let type = LogItemType(rawValue: String(parts[1])) else {
                        throw fail("unknown item type '\(parts[1])' (expected str, sint or bool)")
                    }
                    attributes.type = type
                }
            case .flags(let inner):
                attributes.flags = try Self.applyFlags(inner, to: attributes.flags, fail: fail)
                sawFlags = true
            case .sample(let expression):
                flushLiteral()
                nodes.append(.sample(samples.count, attributes))
                samples.append(expression)
                endItem()
            case .variable("o"):
                guard sawFlags else { throw fail("'%o' needs flags, as in %{+Q}o") }
                globalFlags = attributes.flags
                endItem()
            case .variable(let name):
                guard let alias = LogFormatAlias(rawValue: name) else {
                    throw fail(name.isEmpty ? "'%' must be followed by a variable or [sample]" : "unknown variable '%\(name)'")
                }
                flushLiteral()
                nodes.append(.item(alias, attributes))
                endItem()
            }
        }
        flushLiteral()
        self.init(nodes: nodes, isJSON: globalFlags.contains(.json), sampleExpressions: samples, source: source)
    }

    private static func message(_ error: LogFormatLexError) -> String {
        switch error {
        case .lonePercent: "ends with a lone '%' (write %% for a percent sign)"
        case .unterminatedFlags: "unterminated '%{'"
        case .unterminatedName: "unterminated '%('"
        case .unterminatedSample: "missing ']' after '%['"
        case .missingItem: "'%' must be followed by a variable or [sample]"
        }
    }

    /// `+Q,-X` or `+Q-X`: each flag turned on or off.
    private static func applyFlags(
        _ text: String, to flags: LogFormatFlags, fail: (String) -> LogFormatError
    ) throws(LogFormatError) -> LogFormatFlags {
        var result = flags
        var rest = Substring(text)
        while let sign = rest.first {
            guard sign == "+" || sign == "-" else { throw fail("flags must start with + or - in '%{\(text)}'") }
            rest = rest.dropFirst()
            let end = rest.firstIndex { $0 == "+" || $0 == "-" || $0 == "," } ?? rest.endIndex
            let name = rest[..<end]
            rest = rest[end...].drop { $0 == "," }
            let flag: LogFormatFlags
            switch name {
            case "Q": flag = .quote
            case "X": flag = .hex
            case "E": flag = .escape
            case "json": flag = .json
            default: throw fail("unknown flag '\(name)' (lb supports Q, X, E and json)")
            }
            if sign == "+" { result.insert(flag) } else { result.remove(flag) }
        }
        return result
    }
}
