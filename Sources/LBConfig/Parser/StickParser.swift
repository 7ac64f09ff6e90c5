/// `stick-table` and `stick` lines.
enum StickParser {
    static func parseTable(_ directive: Directive, context: inout ParseContext) -> StickTableDeclaration? {
        var type: StickTableDeclaration.KeyType?
        var keyLength = 32
        var size: Int?
        var expire: Int?
        var noPurge = false
        var stored = StickStoredData()
        var peers: String?
        var keyLengthWritten = false
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
                    keyLengthWritten = true
                    index += 2
                }
                index += 2
            case "len":
                guard let length = context.integer(directive, index + 1, "stick-table len", in: 1...65536) else { return nil }
                keyLength = length
                keyLengthWritten = true
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
            case "peers":
                guard let name = directive.text(index + 1) else {
                    context.error("'stick-table peers' expects the name of a peers section", at: directive.location(of: index))
                    return nil
                }
                peers = name
                index += 2
            case "srvkey", "write-to", "recv-only":
                context.notApplied("'stick-table \(word)'", at: directive.location(of: index))
                index += 2
            case "store":
                guard let list = directive.text(index + 1) else {
                    context.error("'stick-table store' expects data types", at: directive.location(of: index),
                                  hint: "for example: store http_req_rate(10s),conn_cur")
                    return nil
                }
                guard parseStore(list, into: &stored, at: directive.location(of: index + 1), context: &context) else { return nil }
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
        var declaration = StickTableDeclaration(type: type, keyLength: keyLength, size: size, expire: expire, noPurge: noPurge,
                                                stored: stored, location: directive.location)
        declaration.peers = peers
        declaration.keyLengthWritten = keyLengthWritten
        return declaration
    }

    /// `store a,b(PERIOD),...`: rates need a period, other types take none. Types HAProxy has and lb
    /// does not keep (the gpt/gpc arrays, http_fail) are refused by name rather than ignored.
    static func parseStore(_ list: String, into stored: inout StickStoredData, at location: SourceLocation,
                           context: inout ParseContext) -> Bool {
        for item in list.split(separator: ",", omittingEmptySubsequences: false) {
            var name = Substring(item)
            var periodText: Substring?
            if let open = item.firstIndex(of: "(") {
                guard item.hasSuffix(")") else {
                    context.error("'stick-table store': missing ')' in '\(item)'", at: location)
                    return false
                }
                name = item[..<open]
                periodText = item[item.index(after: open)..<item.index(before: item.endIndex)]
            }
            guard let type = StickDataType(name: String(name)), type != .serverKey else {
                context.error("'stick-table store': unknown or unsupported data type '\(name)'", at: location,
                              hint: "lb stores server_id, gpt0, gpc0, gpc0_rate, gpc1, gpc1_rate, conn_cnt, conn_rate, conn_cur, sess_cnt, sess_rate, http_req_cnt, http_req_rate, http_err_cnt, http_err_rate, bytes_in_cnt, bytes_in_rate, bytes_out_cnt, bytes_out_rate")
                return false
            }
            if type.isRate {
                guard let periodText, let period = DurationParsing.milliseconds(String(periodText)), period > 0 else {
                    context.error("'stick-table store \(name)' needs a period, for example \(name)(10s)", at: location)
                    return false
                }
                stored.add(type, period: period)
            } else {
                guard periodText == nil else {
                    context.error("'stick-table store \(name)' takes no period", at: location)
                    return false
                }
                stored.add(type)
            }
        }
        return true
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
