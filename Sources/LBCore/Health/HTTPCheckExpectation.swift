/// `http-check expect`: `[!] status LIST`, `[!] rstatus REGEX`, `[!] string TEXT`, `[!] rstring REGEX` (the
/// last two on the response body), or nothing (2xx and 3xx pass). Header matchers (`hdr`, `fhdr`) are not
/// decided here: `isSupported` is false for them and the verdict falls back to the default rule.
public struct HTTPCheckExpectation: Sendable {
    enum Test: Sendable {
        case defaultRule
        case statuses([ClosedRange<Int>])
        case statusRegex(CompiledRegex)
        case bodyString([UInt8])
        case bodyRegex(CompiledRegex)
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
        // Options HAProxy allows before the matcher; lb applies none of them and skips their values.
        while let first = words.first, ["min-recv", "comment", "ok-status", "error-status", "tout-status", "on-success",
                                         "on-error", "status-code"].contains(first) {
            words = words.dropFirst(2)
        }
        var inverted = words.first == "!"
        if inverted { words = words.dropFirst() }
        guard var kind = words.first else {
            guard !inverted else { throw ParseError(description: "'http-check expect !' needs a matcher") }
            negated = false
            test = .defaultRule
            return
        }
        if kind.hasPrefix("!") {
            inverted = true
            kind.removeFirst()
        }
        negated = inverted
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
        case "rstatus", "rstring":
            guard let argument, let regex = try? CompiledRegex(argument) else {
                throw ParseError(description: "'http-check expect \(kind)' needs a valid regular expression")
            }
            test = kind == "rstatus" ? .statusRegex(regex) : .bodyRegex(regex)
        case "string":
            guard let argument, !argument.isEmpty else { throw ParseError(description: "'http-check expect string' needs a text") }
            test = .bodyString(Array(argument.utf8))
        default:
            test = .other(kind)
        }
    }

    /// False for matchers lb does not apply (`hdr`, `fhdr`...): their verdict is the default rule's.
    public var isSupported: Bool {
        if case .other = test { return false }
        return true
    }

    /// True when the verdict needs the response body, not only its status line.
    public var needsBody: Bool {
        switch test {
        case .bodyString, .bodyRegex: true
        default: false
        }
    }

    /// The verdict on a status code alone (body matchers fall back to the default rule).
    public func passes(status: Int) -> Bool {
        let matched: Bool
        switch test {
        case .defaultRule, .other, .bodyString, .bodyRegex: return (200...399).contains(status)
        case .statuses(let ranges): matched = ranges.contains { $0.contains(status) }
        case .statusRegex(let regex): matched = regex.matches(Substring(String(status)))
        }
        return matched != negated
    }

    /// The verdict on a whole response, in HAProxy's terms: a status test that fails is `L7STS` with the
    /// reason phrase as its description; a body test that fails is `L7RSP`.
    public func verdict(status: Int, reason: String, body: [UInt8]) -> CheckVerdict {
        switch test {
        case .bodyString, .bodyRegex:
            guard !body.isEmpty else {
                return CheckVerdict(status: .layer7InvalidResponse, code: status, info: "HTTP content check could not find a response body")
            }
            let matched: Bool
            if case .bodyString(let text) = test {
                matched = CheckSession.contains(body, text)
            } else if case .bodyRegex(let regex) = test {
                matched = regex.matches(Substring(String(decoding: body, as: UTF8.self)))
            } else {
                matched = false
            }
            if matched != negated { return CheckVerdict(status: .layer7OK, code: status) }
            return CheckVerdict(status: .layer7InvalidResponse, code: status,
                                info: negated ? "HTTP check matched unwanted content" : "HTTP content check did not match")
        default:
            if passes(status: status) { return CheckVerdict(status: .layer7OK, code: status) }
            return CheckVerdict(status: .layer7WrongStatus, code: status, info: reason.isEmpty ? nil : reason)
        }
    }

    /// One-shot verdict; unparseable expectations fall back to 2xx/3xx.
    public static func verdict(expect: [String], status: Int) -> Bool {
        guard let expectation = try? HTTPCheckExpectation(expect) else { return (200...399).contains(status) }
        return expectation.passes(status: status)
    }
}
