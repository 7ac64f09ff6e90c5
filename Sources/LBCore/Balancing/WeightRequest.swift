/// A weight asked for at run time (`set weight`, `set server ... weight`, an agent's `N%`): `N` from 0 to
/// 256, or `N%` of the configured weight (capped at 256), with HAProxy's messages for what is refused.
public enum WeightRequest {
    public struct Refusal: Error, Sendable, Hashable {
        public var message: String
    }

    public static func resolve(_ text: Substring, initial: Int) -> Result<Int, Refusal> {
        // Like strtol: leading blanks, an optional sign and the leading digits; what follows decides the form.
        let body = text.drop { $0 == " " || $0 == "\t" }
        let sign = body.first == "-" || body.first == "+" ? 1 : 0
        let digits = body.dropFirst(sign).prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { return .failure(Refusal(message: "Empty weight string empty or preceded by garbage")) }
        let magnitude = Int(digits.prefix(12)) ?? Int.max
        let number = body.first == "-" ? -magnitude : magnitude
        let rest = body.dropFirst(sign + digits.count)
        if rest == "%" {
            guard number >= 0 else { return .failure(Refusal(message: "Relative weight must be positive.")) }
            return .success(min(256, initial * min(number, 25600) / 100))
        }
        if number < 0 || number > 256 {
            return .failure(Refusal(message: "Absolute weight can only be between 0 and 256 inclusive."))
        }
        if !rest.isEmpty { return .failure(Refusal(message: "Trailing garbage in weight string")) }
        return .success(number)
    }
}
