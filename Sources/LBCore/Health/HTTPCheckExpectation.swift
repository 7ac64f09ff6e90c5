/// `http-check expect` reduced to what a status code can decide: `[!] status LIST`, `[!] rstatus REGEX`,
/// or nothing (2xx and 3xx pass). Matchers on headers or the body (`hdr`, `string`, `rstring`...) are not
/// decided here: `isStatusOnly` is false for them and `passes(status:)` falls back to the default rule.
public struct HTTPCheckExpectation: Sendable {
    enum Test: Sendable {
        case defaultRule
        case statuses([ClosedRange<Int>])
        case statusRegex(CompiledRegex)
        case other(String)
    }
    let test: Test
    let negated: Bool

    /// Why `http-check expect` words could not be understood.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Parses the words after `http-check expect`, e.g. `["status", "200-399"]`, `["!", "rstatus", "^5"]`.
    public init(_ words: [String]) throws(ParseError) {
        var words = words[...]
        negated = words.first == "!"
        if negated { words = words.dropFirst() }
        guard let kind = words.first else {
            guard !negated else { throw ParseError(description: "'http-check expect !' needs a matcher") }
            test = .defaultRule
            return
        }
        let argument = words.dropFirst().first
        switch kind {
        case "status":
            guard let argument else { throw ParseError(description: "'http-check expect status' needs codes") }
            var ranges: [ClosedRange<Int>] = []
            for item in argument.split(separator: ",") {
                let bounds = item.split(separator: "-", maxSplits: 1)
                guard let low = bounds.first.flatMap({ Int($0) }) else {
                    throw ParseError(description: "bad status '\(item)' in 'http-check expect status'")
                }
                let high = bounds.count == 2 ? Int(bounds[1]) : low
                guard let high, high >= low else { throw ParseError(description: "bad status range '\(item)'") }
                ranges.append(low...high)
            }
            test = .statuses(ranges)
        case "rstatus":
            guard let argument, let regex = try? CompiledRegex(argument) else {
                throw ParseError(description: "'http-check expect rstatus' needs a valid regular expression")
            }
            test = .statusRegex(regex)
        default:
            test = .other(kind)
        }
    }

    /// True when the status code alone decides the verdict.
    public var isStatusOnly: Bool {
        if case .other = test { return false }
        return true
    }

    public func passes(status: Int) -> Bool {
        let matched: Bool
        switch test {
        case .defaultRule, .other: return (200...399).contains(status)
        case .statuses(let ranges): matched = ranges.contains { $0.contains(status) }
        case .statusRegex(let regex): matched = regex.matches(Substring(String(status)))
        }
        return matched != negated
    }

    /// One-shot verdict; unparseable expectations fall back to 2xx/3xx.
    public static func verdict(expect: [String], status: Int) -> Bool {
        guard let expectation = try? HTTPCheckExpectation(expect) else { return (200...399).contains(status) }
        return expectation.passes(status: status)
    }
}
