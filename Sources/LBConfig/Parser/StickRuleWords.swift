/// The words `track-scN` and the `sc-*` counter actions share between `http-request` and
/// `tcp-request` rules.
enum StickRuleWords {
    /// `track-scN KEY [table NAME]`; `keyword` is `track-sc0`, `track-sc1` or `track-sc2`.
    static func track(_ keyword: String, _ arguments: [String], directive: Directive, context: inout ParseContext) -> HTTPRule.Action? {
        guard let slot = Int(String(keyword.suffix(1))) else { return nil }
        guard let key = arguments.first else {
            context.error("'\(keyword)' expects a key, for example: \(keyword) src", at: directive.location(of: 1))
            return nil
        }
        var table: String?
        if arguments.count > 1 {
            guard arguments.count == 3, arguments[1] == "table" else {
                context.error("'\(keyword) \(key)' takes only 'table NAME' after the key", at: directive.location(of: 1),
                              hint: "for example: \(keyword) src table st_clients")
                return nil
            }
            table = arguments[2]
        }
        return .track(slot: slot, key: key, table: table)
    }

    /// `sc-inc-gpc0(N)`, `sc-inc-gpc1(N)` and `sc-set-gpt0(N) VALUE`: N is the tracking slot.
    static func counterAction(_ action: String, base: String, _ arguments: [String], directive: Directive,
                              context: inout ParseContext) -> HTTPRule.Action? {
        let inside = action.dropFirst(base.count)
        guard inside.hasPrefix("("), inside.hasSuffix(")"), let slot = Int(inside.dropFirst().dropLast()), (0...2).contains(slot) else {
            context.error("'\(base)' needs a tracking slot, for example: \(base)(0)", at: directive.location(of: 1))
            return nil
        }
        if base == "sc-set-gpt0" {
            guard arguments.count == 1, let value = Int(arguments[0]) else {
                context.error("'\(base)' expects an integer value", at: directive.location(of: 1))
                return nil
            }
            return .stickCounter(name: base, slot: slot, value: value)
        }
        guard arguments.isEmpty else {
            context.error("'\(base)' takes no argument", at: directive.location(of: 1))
            return nil
        }
        return .stickCounter(name: base, slot: slot, value: nil)
    }
}
