/// `balance ALGORITHM [arguments]` and `hash-type`.
enum BalanceParser {
    static let algorithms = ["roundrobin", "static-rr", "leastconn", "first", "source", "uri", "url_param", "hdr(NAME)",
                             "random", "rdp-cookie", "hash"]

    static func parse(_ directive: Directive, context: inout ParseContext) -> BalanceAlgorithm? {
        guard let word = directive.text(1) else {
            context.error("'balance' expects an algorithm", at: directive.location,
                          hint: "one of: " + algorithms.joined(separator: ", "))
            return nil
        }
        let arguments = directive.texts(from: 2)
        func noArguments(_ algorithm: BalanceAlgorithm) -> BalanceAlgorithm? {
            context.noExtraArguments(directive, after: 2, "balance \(word)")
            return arguments.isEmpty ? algorithm : nil
        }
        switch word {
        case "roundrobin": return noArguments(.roundRobin)
        case "static-rr": return noArguments(.staticRoundRobin)
        case "leastconn": return noArguments(.leastConnections)
        case "first": return noArguments(.first)
        case "source": return noArguments(.source)
        case "uri":
            var index = 2
            while let option = directive.text(index) {
                switch option {
                case "whole", "path-only":
                    index += 1
                case "len", "depth":
                    guard context.integer(directive, index + 1, "balance uri \(option)", in: 1...Int(Int32.max)) != nil else { return nil }
                    index += 2
                default:
                    context.error("unknown 'balance uri' option '\(option)'", at: directive.location(of: index),
                                  hint: "expected len N, depth N, whole or path-only")
                    return nil
                }
            }
            return .uri(arguments: arguments)
        case "url_param":
            guard let name = arguments.first else {
                context.error("'balance url_param' expects a parameter name", at: directive.location)
                return nil
            }
            return .urlParameter(name: name, arguments: Array(arguments.dropFirst()))
        case "random":
            return noArguments(.random(draws: 2))
        case "rdp-cookie":
            return noArguments(.rdpCookie(name: "mstshash"))
        case "hash":
            guard !arguments.isEmpty else {
                context.error("'balance hash' expects a sample expression", at: directive.location,
                              hint: "for example: balance hash req.cookie(id)")
                return nil
            }
            return .other(keyword: "hash", arguments: arguments)
        default:
            if let name = word.argument(of: "hdr") {
                guard !name.isEmpty else {
                    context.error("'balance hdr()' expects a header name", at: directive.location(of: 1))
                    return nil
                }
                let domainOnly = arguments == ["use_domain_only"]
                if !arguments.isEmpty && !domainOnly {
                    context.error("unexpected argument '\(arguments[0])' after 'balance \(word)'", at: directive.location(of: 2),
                                  hint: "the only option is use_domain_only")
                    return nil
                }
                return .header(name: name, useDomainOnly: domainOnly)
            }
            if let draws = word.argument(of: "random") {
                guard let count = Int(draws), count >= 1 else {
                    context.error("'balance random(N)' expects a positive number of draws", at: directive.location(of: 1))
                    return nil
                }
                return noArguments(.random(draws: count))
            }
            if let cookie = word.argument(of: "rdp-cookie") {
                return noArguments(.rdpCookie(name: cookie.isEmpty ? "mstshash" : cookie))
            }
            context.error("unknown balance algorithm '\(word)'", at: directive.location(of: 1),
                          hint: Spelling.hint(for: word, among: algorithms) ?? "one of: " + algorithms.joined(separator: ", "))
            return nil
        }
    }

    static let hashFunctions = ["sdbm", "djb2", "wt6", "crc32", "none"]

    /// `hash-type map-based|consistent [sdbm|djb2|wt6|crc32|none] [avalanche]`, in that order as HAProxy
    /// reads it: the modifier only after a function.
    static func parseHashType(_ directive: Directive, context: inout ParseContext) -> [String]? {
        let words = directive.texts(from: 1)
        guard let method = words.first, ["map-based", "consistent"].contains(method) else {
            context.error("'hash-type' expects map-based or consistent", at: directive.location(of: 1),
                          hint: words.first == "avalanche" ? "write: hash-type map-based sdbm avalanche" : nil)
            return nil
        }
        if words.count >= 2, !hashFunctions.contains(words[1]) {
            context.error("unknown 'hash-type' function '\(words[1])'", at: directive.location(of: 2),
                          hint: words[1] == "avalanche"
                              ? "the modifier follows a function: hash-type \(method) sdbm avalanche"
                              : "one of: " + hashFunctions.joined(separator: ", "))
            return nil
        }
        if words.count >= 3, words[2] != "avalanche" {
            context.error("unknown 'hash-type' modifier '\(words[2])'", at: directive.location(of: 3),
                          hint: "the only modifier is avalanche")
            return nil
        }
        guard words.count <= 3 else {
            context.noExtraArguments(directive, after: 4, "hash-type " + words.prefix(3).joined(separator: " "))
            return nil
        }
        return words
    }
}

extension String {
    /// For `name(arg)`, the text between the parentheses; nil when the word is not of that form.
    func argument(of name: String) -> String? {
        guard hasPrefix(name + "("), hasSuffix(")") else { return nil }
        return String(dropFirst(name.count + 1).dropLast())
    }
}
