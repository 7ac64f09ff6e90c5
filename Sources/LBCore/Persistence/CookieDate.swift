/// The dates an inserted persistence cookie carries when `maxidle` or `maxlife` is set, in HAProxy's
/// layout, so that cookies survive a move between haproxy and lb: `VALUE|LAST` or `VALUE|LAST|FIRST`.
///
/// Each date is Unix time in units of 4 seconds, rounded up, written as 5 base64 digits (30 bits, most
/// significant first), which covers dates until 2106.
public enum CookieDate {
    /// Separates the server's value and the dates.
    public static let delimiter: Character = "|"

    private static let digits = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// `seconds` (Unix time) as 5 digits.
    public static func encode(seconds: Int) -> String {
        var units = ((seconds + 3) >> 2) & ((1 << 30) - 1)
        var text = [UInt8](repeating: 0, count: 5)
        for index in stride(from: 4, through: 0, by: -1) {
            text[index] = digits[units & 63]
            units >>= 6
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The Unix time 5 digits stand for, or nil when `text` is not 5 base64 digits.
    public static func decode(_ text: Substring) -> Int? {
        guard text.utf8.count == 5 else { return nil }
        var units = 0
        for byte in text.utf8 {
            guard let value = digitValue(byte) else { return nil }
            units = units << 6 | value
        }
        return units << 2
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(byte - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): Int(byte - UInt8(ascii: "a")) + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0")) + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
