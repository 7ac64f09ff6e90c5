extension LogFormat {
    /// Compiles a `log-format` string; errors name the offending part.
    public init(_ source: String) throws(LogFormatError) {
        let bytes = Array(source.utf8)
        var nodes: [Node] = []
        var literal: [UInt8] = []
        var samples: [String] = []
        var globalFlags: LogFormatFlags = []
        var index = 0

        func flushLiteral() {
            if !literal.isEmpty { nodes.append(.literal(literal)); literal.removeAll() }
        }
        func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        func fail(_ message: String) -> LogFormatError { LogFormatError(message: "log-format '\(source)': \(message)") }

        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 {
                flushLiteral()
                if nodes.last != .separator { nodes.append(.separator) }
                while index < bytes.count && bytes[index] == 0x20 { index += 1 }
                continue
            }
            guard byte == 0x25 else {  // '%'
                literal.append(byte)
                index += 1
                continue
            }
            index += 1
            guard index < bytes.count else { throw fail("ends with a lone '%' (write %% for a percent sign)") }
            if bytes[index] == 0x25 {
                literal.append(0x25)
                index += 1
                continue
            }
            var attributes = Attributes(flags: globalFlags, name: nil, type: nil)
            var sawFlags = false
            // `%(name[:type])` and `%{flags}`, in either order.
            while index < bytes.count && (bytes[index] == 0x28 || bytes[index] == 0x7B) {
                let open = bytes[index]
                let close: UInt8 = open == 0x28 ? 0x29 : 0x7D
                guard let end = bytes[index...].firstIndex(of: close) else {
                    throw fail(open == 0x28 ? "unterminated '%('" : "unterminated '%{'")
                }
                let inner = text((index + 1)..<end)
                if open == 0x28 {
                    let parts = inner.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                    guard let name = parts.first, !name.isEmpty else { throw fail("empty item name in '%(\(inner))'") }
                    attributes.name = String(name)
                    if parts.count == 2 {
                        guard let type = LogItemType(rawValue: String(parts[1])) else {
                            throw fail("unknown item type '\(parts[1])' (expected str, sint or bool)")
                        }
                        attributes.type = type
                    }
                } else {
                    attributes.flags = try Self.applyFlags(inner, to: attributes.flags, fail: fail)
                    sawFlags = true
                }
                index = end + 1
            }
            guard index < bytes.count else { throw fail("'%' must be followed by a variable or [sample]") }
            if bytes[index] == 0x5B {  // '['
                guard let end = Self.closingBracket(bytes, from: index + 1) else { throw fail("missing ']' after '%['") }
                flushLiteral()
                nodes.append(.sample(samples.count, attributes))
                samples.append(text((index + 1)..<end))
                index = end + 1
                continue
            }
            var nameEnd = index
            while nameEnd < bytes.count, Self.isNameByte(bytes[nameEnd]) { nameEnd += 1 }
            let name = text(index..<nameEnd)
            if name == "o" {
                guard sawFlags else { throw fail("'%o' needs flags, as in %{+Q}o") }
                globalFlags = attributes.flags
                index = nameEnd
                continue
            }
            guard let alias = LogFormatAlias(rawValue: name) else {
                throw fail(name.isEmpty ? "'%' must be followed by a variable or [sample]" : "unknown variable '%\(name)'")
            }
            flushLiteral()
            nodes.append(.item(alias, attributes))
            index = nameEnd
        }
        flushLiteral()
        self.init(nodes: nodes, isJSON: globalFlags.contains(.json), sampleExpressions: samples, source: source)
    }

    /// Variable names are letters and digits only, as in HAProxy: `%cp_%fi` is `%cp`, `_`, `%fi` (the
    /// documented unique-id format depends on it).
    private static func isNameByte(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
    }

    /// The `]` closing a `%[`, skipping brackets inside parentheses and backslash-escaped bytes.
    private static func closingBracket(_ bytes: [UInt8], from start: Int) -> Int? {
        var depth = 0
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case 0x5C: index += 1
            case 0x28: depth += 1
            case 0x29: depth -= 1
            case 0x5D where depth <= 0: return index
            default: break
            }
            index += 1
        }
        return nil
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
