/// One `name(arg,arg)` element of a sample expression such as `req.hdr(host,1),lower,field(1,:)`.
struct SampleCall: Sendable, Hashable {
    var name: String
    var arguments: [String]
}

enum CallSyntax {
    /// Splits `fetch(args),conv(args),...` into calls. A backslash makes the next character literal, so
    /// `field(1,\,)` passes a comma. Returns nil on unbalanced parentheses or an empty element.
    static func parse(_ text: Substring) -> [SampleCall]? {
        var calls: [SampleCall] = []
        var name = ""
        var arguments: [String] = []
        var argument = ""
        var inArguments = false
        var closed = false
        var escaped = false
        func finishCall() -> Bool {
            guard !name.isEmpty else { return false }
            calls.append(SampleCall(name: name, arguments: arguments))
            name = ""; arguments = []; closed = false
            return true
        }
        for character in text {
            if escaped {
                if inArguments { argument.append(character) } else { name.append(character) }
                escaped = false
                continue
            }
            if inArguments {
                switch character {
                case "\\": escaped = true
                case ",": arguments.append(argument); argument = ""
                case ")": arguments.append(argument); argument = ""; inArguments = false; closed = true
                default: argument.append(character)
                }
                continue
            }
            switch character {
            case "(":
                guard !closed, !name.isEmpty else { return nil }
                inArguments = true
            case ",":
                guard finishCall() else { return nil }
            case "\\":
                escaped = true
            default:
                guard !closed, character != ")" else { return nil }
                if character == " " || character == "\t" { return nil }
                name.append(character)
            }
        }
        guard !inArguments, !escaped, finishCall() else { return nil }
        return calls
    }
}
