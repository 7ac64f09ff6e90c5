/// How an ACL compares a sample with its patterns (`-m`).
enum MatchMethod: String, Sendable, Hashable, CaseIterable {
    case found, bool, int, ip, str, sub, reg, beg, end, dir, dom, len

    /// The method used without `-m`, by sample type.
    static func `default`(for type: SampleType) -> MatchMethod {
        switch type {
        case .boolean: .bool
        case .integer: .int
        case .address: .ip
        case .string: .str
        }
    }

    /// Whether the method reads patterns as integers (`int`, `len`).
    var takesIntegers: Bool { self == .int || self == .len }
}

/// An integer pattern: `N`, a range `a:b`, `a:`, `:b`, or the range an operator gives (`ge 3`).
struct IntegerRange: Sendable, Hashable {
    var lower: Int?
    var upper: Int?

    func contains(_ value: Int) -> Bool {
        if let lower, value < lower { return false }
        if let upper, value > upper { return false }
        return true
    }

    /// Parses one pattern; `operator` is the `eq|ge|gt|le|lt` word written before the patterns, if any.
    static func parse(_ text: String, operator op: String?) -> IntegerRange? {
        if let op {
            guard let value = Int(text) else { return nil }
            switch op {
            case "eq": return IntegerRange(lower: value, upper: value)
            case "ge": return IntegerRange(lower: value, upper: nil)
            case "gt": return value == Int.max ? nil : IntegerRange(lower: value + 1, upper: nil)
            case "le": return IntegerRange(lower: nil, upper: value)
            case "lt": return value == Int.min ? nil : IntegerRange(lower: nil, upper: value - 1)
            default: return nil
            }
        }
        if let colon = text.firstIndex(of: ":") {
            let low = text[..<colon], high = text[text.index(after: colon)...]
            if low.isEmpty && high.isEmpty { return nil }
            var range = IntegerRange()
            if !low.isEmpty { guard let value = Int(low) else { return nil }; range.lower = value }
            if !high.isEmpty { guard let value = Int(high) else { return nil }; range.upper = value }
            return range
        }
        guard let value = Int(text) else { return nil }
        return IntegerRange(lower: value, upper: value)
    }

    static let operators: Set<String> = ["eq", "ge", "gt", "le", "lt"]
}
