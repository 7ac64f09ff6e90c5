/// Seconds printed from integer microseconds without Foundation: `1.5`, `0.001`, `30`.
public enum SecondsFormat {
    public static func string(microseconds: Int) -> String {
        let negative = microseconds < 0
        let magnitude = negative ? -microseconds : microseconds
        var text = (negative ? "-" : "") + String(magnitude / 1_000_000)
        var fraction = magnitude % 1_000_000
        if fraction == 0 { return text }
        var digits = 6
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        let raw = String(fraction)
        text += "." + String(repeating: "0", count: digits - raw.count) + raw
        return text
    }
}
