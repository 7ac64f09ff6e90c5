/// Time values as HAProxy writes them: an unsigned integer with an optional unit `us ms s m h d`; no unit
/// means milliseconds. lb stores milliseconds; microseconds round up so that `1us` is not a zero (infinite)
/// timeout.
enum DurationParsing {
    /// The largest value accepted, as HAProxy's timers are signed 32-bit milliseconds (about 24.8 days).
    static let maximum = Int(Int32.max)
    static let hint = "expected a duration such as 10s or 500ms (units: us, ms, s, m, h, d; no unit means ms)"

    static func milliseconds(_ text: String) -> Int? {
        let digits = text.prefix { $0.isASCIIDigit }
        guard !digits.isEmpty, digits.count <= 12, let value = Int(digits) else { return nil }
        let result: Int
        switch text.dropFirst(digits.count) {
        case "", "ms": result = value
        case "us": result = (value + 999) / 1000
        case "s": result = value * 1000
        case "m": result = value * 60_000
        case "h": result = value * 3_600_000
        case "d": result = value * 86_400_000
        default: return nil
        }
        return result <= maximum ? result : nil
    }

    static let secondsHint = "expected a duration such as 30m or 3600 (units: us, ms, s, m, h, d; no unit means s)"

    /// Whole seconds, rounded up; no unit means seconds.
    static func seconds(_ text: String) -> Int? {
        let digits = text.prefix { $0.isASCIIDigit }
        guard !digits.isEmpty, digits.count <= 12, let value = Int(digits) else { return nil }
        switch text.dropFirst(digits.count) {
        case "", "s": return value
        case "us": return (value + 999_999) / 1_000_000
        case "ms": return (value + 999) / 1000
        case "m": return value * 60
        case "h": return value * 3600
        case "d": return value * 86_400
        default: return nil
        }
    }
}

/// Sizes as HAProxy writes them: an unsigned integer with an optional `k`, `m` or `g` suffix (1024-based).
enum SizeParsing {
    static let hint = "expected a size such as 16384, 16k or 1m (suffixes k, m, g are powers of 1024)"

    static func bytes(_ text: String) -> Int? {
        let digits = text.prefix { $0.isASCIIDigit }
        guard !digits.isEmpty, digits.count <= 15, let value = Int(digits) else { return nil }
        switch text.dropFirst(digits.count) {
        case "": return value
        case "k", "K": return value << 10
        case "m", "M": return value << 20
        case "g", "G": return value << 30
        default: return nil
        }
    }
}
