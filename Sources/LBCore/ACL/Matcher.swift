import LBConfig

/// The compiled pattern side of one ACL: a match method and its patterns in the form that method needs.
///
/// An immutable class: matching runs for every ACL of every request, and a struct would be copied (each
/// pattern array retained and released) whenever a closure captured it.
final class Matcher: Sendable, Hashable {
    let method: MatchMethod
    let ignoreCase: Bool
    /// For `str sub beg end dir dom`: pattern bytes, already lowercase under `-i`.
    let strings: [[UInt8]]
    /// For `int` and `len`.
    let integers: [IntegerRange]
    /// For `ip`.
    let networks: [IPNetwork]
    /// For `reg`.
    let regexes: [CompiledRegexBox]

    init(method: MatchMethod, ignoreCase: Bool, strings: [[UInt8]] = [], integers: [IntegerRange] = [],
         networks: [IPNetwork] = [], regexes: [CompiledRegexBox] = []) {
        self.method = method
        self.ignoreCase = ignoreCase
        self.strings = strings
        self.integers = integers
        self.networks = networks
        self.regexes = regexes
    }

    static func == (lhs: Matcher, rhs: Matcher) -> Bool {
        lhs.method == rhs.method && lhs.ignoreCase == rhs.ignoreCase && lhs.strings == rhs.strings
            && lhs.integers == rhs.integers && lhs.networks == rhs.networks && lhs.regexes == rhs.regexes
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(method)
        hasher.combine(strings)
    }


    /// True when `value` matches any pattern.
    func matches(_ value: SampleValue) -> Bool {
        switch method {
        case .found: return true
        case .bool: return value.boolean
        case .int:
            guard let number = value.integer else { return false }
            return integers.contains { $0.contains(number) }
        case .len:
            let length = value.text.utf8.count
            return integers.contains { $0.contains(length) }
        case .ip:
            guard let address = value.address else { return false }
            return networks.contains { $0.contains(address) }
        case .reg:
            let text = value.text
            return regexes.contains { $0.regex.matches(text) }
        case .str, .sub, .beg, .end, .dir, .dom:
            return value.text.withUTF8Bytes { bytes in
                for pattern in strings where matchString(bytes, pattern) { return true }
                return false
            }
        }
    }

    @inline(__always)
    private func matchString(_ bytes: UnsafeBufferPointer<UInt8>, _ pattern: [UInt8]) -> Bool {
        pattern.withUnsafeBufferPointer { ByteMatching.matches(method, bytes, $0, foldCase: ignoreCase) }
    }

    /// Builds the matcher, or returns a message naming the first bad pattern.
    static func compile(method: MatchMethod, ignoreCase: Bool, operator op: String?, patterns: [String]) -> Result<Matcher, SampleCompileError> {
        var strings: [[UInt8]] = [], integers: [IntegerRange] = [], networks: [IPNetwork] = [], regexes: [CompiledRegexBox] = []
        if op != nil && !method.takesIntegers {
            return .failure(SampleCompileError("operator '\(op!)' only applies to integer matches"))
        }
        for pattern in patterns {
            switch method {
            case .found, .bool:
                continue
            case .int, .len:
                guard let range = IntegerRange.parse(pattern, operator: op) else {
                    return .failure(SampleCompileError("'\(pattern)' is not an integer or range (a:b, a:, :b)"))
                }
                integers.append(range)
            case .ip:
                guard let network = IPNetwork(pattern) else {
                    return .failure(SampleCompileError("'\(pattern)' is not an IP address or network",
                                                       hint: "lb does not resolve host names in ACL patterns"))
                }
                networks.append(network)
            case .reg:
                do {
                    regexes.append(CompiledRegexBox(regex: try CompiledRegex(pattern, ignoreCase: ignoreCase)))
                } catch {
                    return .failure(SampleCompileError("invalid regular expression '\(pattern)'"))
                }
            case .str, .sub, .beg, .end, .dir, .dom:
                var bytes = Array(pattern.utf8)
                if ignoreCase { bytes = bytes.map(ByteMatching.fold) }
                if method == .dir || method == .dom {
                    // A word pattern's own leading and trailing delimiters do not take part in the match.
                    let isDelimiter = method == .dir ? ByteMatching.isPathDelimiter : ByteMatching.isDomainDelimiter
                    while let first = bytes.first, isDelimiter(first) { bytes.removeFirst() }
                    while let last = bytes.last, isDelimiter(last) { bytes.removeLast() }
                }
                strings.append(bytes)
            }
        }
        return .success(Matcher(method: method, ignoreCase: ignoreCase, strings: strings, integers: integers,
                                networks: networks, regexes: regexes))
    }
}

/// Makes `CompiledRegex` usable in `Hashable` values (compared by pattern text).
struct CompiledRegexBox: Sendable, Hashable {
    var regex: CompiledRegex
    static func == (lhs: Self, rhs: Self) -> Bool { lhs.regex.pattern == rhs.regex.pattern }
    func hash(into hasher: inout Hasher) { hasher.combine(regex.pattern) }
}
