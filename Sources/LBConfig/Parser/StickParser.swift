/// `stick-table` and `stick` lines.
enum StickParser {
    static func parseTable(_ directive: Directive, context: inout ParseContext) -> StickTableDeclaration? {
        var type: StickTableDeclaration.KeyType?
        var keyLength = 32
        var size: Int?
        var expire: Int?
        var noPurge = false
        var index = 1
        while index < directive.count {
            let word = directive.words[index].text
            switch word {
            case "type":
                guard let text = directive.text(index + 1), let parsed = StickTableDeclaration.KeyType(rawValue: text) else {
                    context.error("'stick-table type' expects ip, ipv6, integer, string or binary", at: directive.location(of: index + 1))
                    return nil
                }
                type = parsed
                if (parsed == .string || parsed == .binary), directive.text(index + 2) == "len" {
                    guard let length = context.integer(directive, index + 3, "stick-table len", in: 1...65536) else { return nil }
                    keyLength = length
                    index += 2
                }
                index += 2
            case "len":
                guard let length = context.integer(directive, index + 1, "stick-table len", in: 1...65536) else { return nil }
                keyLength = length
                index += 2
            case "size":
                guard let value = context.size(directive, index + 1, "stick-table size") else { return nil }
                guard value > 0 else {
                    context.error("'stick-table size' must be at least 1", at: directive.location(of: index + 1))
                    return nil
                }
                size = value
                index += 2
            case "expire":
                guard let value = context.duration(directive, index + 1, "stick-table expire") else { return nil }
                expire = value
                index += 2
            case "nopurge":
                noPurge = true
                index += 1
            case "peers", "srvkey", "write-to", "recv-only":
                context.notApplied("'stick-table \(word)'", at: directive.location(of: index))
                index += 2
            case "store":
                // Tracking counters (gpc0, conn_rate...) belong to track-sc, which lb does not have.
                context.notApplied("'stick-table store \(directive.text(index + 1) ?? "")' (only server persistence is kept)",
                                   at: directive.location(of: index))
                index += 2
            default:
                context.error("unknown 'stick-table' option '\(word)'", at: directive.location(of: index),
                              hint: "expected type, len, size, expire, nopurge, peers or store")
                return nil
            }
        }
        guard let type else {
            context.error("'stick-table' needs a type", at: directive.location, hint: "for example: stick-table type ip size 100k expire 30m")
            return nil
        }
        guard let size else {
            context.error("'stick-table' needs a size", at: directive.location, hint: "for example: stick-table type ip size 100k expire 30m")
            return nil
        }
        return StickTableDeclaration(type: type, keyLength: keyLength, size: size, expire: expire, noPurge: noPurge,
                                     location: directive.location)
    }

    static func parseRule(_ directive: Directive, references: inout [(name: String, location: SourceLocation)],
                          context: inout ParseContext) -> StickRule? {
        guard let kindWord = directive.text(1), let kind = StickRule.Kind(rawValue: kindWord) else {
            context.error("'stick' expects on, match, store-request or store-response", at: directive.location(of: 1),
                          hint: "for example: stick on src")
            return nil
        }
        let (arguments, conditionWords) = ConditionParser.split(directive.words[2...])
        guard let pattern = arguments.first?.text else {
            context.error("'stick \(kindWord)' expects a pattern", at: directive.location, hint: "for example: stick \(kindWord) src")
            return nil
        }
        var table: String?
        let rest = Array(arguments.dropFirst())
        if !rest.isEmpty {
            guard rest.count == 2, rest[0].text == "table" else {
                context.error("unexpected argument '\(rest[0].text)' after 'stick \(kindWord) \(pattern)'",
                              at: directive.location(of: arguments.startIndex + 1), hint: "expected 'table NAME' or a condition")
                return nil
            }
            table = rest[1].text
        }
        var condition: Condition?
        if let conditionWords {
            guard let parsed = ConditionParser.parse(conditionWords, directive: directive, references: &references, context: &context)
            else { return nil }
            condition = parsed
        }
        return StickRule(kind: kind, pattern: pattern, table: table, condition: condition, location: directive.location)
    }
}
