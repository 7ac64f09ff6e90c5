import LBConfig

/// The three outcomes of an ACL: matched, did not match, or could not be evaluated because the data it
/// reads does not exist in this context (an HTTP fetch on a TCP connection).
enum ACLResult: Sendable, Hashable {
    case pass
    case fail
    case miss

    var negated: ACLResult {
        switch self {
        case .pass: .fail
        case .fail: .pass
        case .miss: .miss
        }
    }
}

/// One test of an ACL (an `acl` line, an anonymous `{ }` block, or a predefined ACL).
///
/// A class, so that evaluating it borrows the compiled patterns instead of copying them: with a struct,
/// binding the enum payload copied (and later released) every pattern array on each evaluation, which
/// dominated the cost of long rule lists.
final class ACLTest: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case constant(Bool)
        /// `HTTP`: true when the traffic is HTTP.
        case isHTTP
        /// `HTTP_CONTENT` / `REQ_CONTENT`: a body is announced (Content-Length > 0 or Transfer-Encoding).
        case hasContent
        case sample(SampleExpression, Matcher)
    }
    let kind: Kind
    /// The payload of `.sample`, unpacked once into non-optional `let`s so that evaluation borrows them
    /// (an optional would be copied out on each use). Other kinds hold unused placeholders.
    let isSample: Bool
    let expression: SampleExpression
    let matcher: Matcher

    init(kind: Kind) {
        self.kind = kind
        if case .sample(let expression, let matcher) = kind {
            isSample = true
            self.expression = expression
            self.matcher = matcher
        } else {
            isSample = false
            expression = SampleExpression(fetch: .constant(false), converters: [])
            matcher = Matcher(method: .found, ignoreCase: false)
        }
    }

    static func == (lhs: ACLTest, rhs: ACLTest) -> Bool { lhs.kind == rhs.kind }
    func hash(into hasher: inout Hasher) { hasher.combine(kind) }

    func evaluate(_ context: SampleContext) -> ACLResult {
        if isSample {
            var matched = false
            let available = expression.forEachValue(in: context) { value in
                if self.matcher.matches(value) { matched = true }
                return matched
            }
            if !available { return .miss }
            return matched ? .pass : .fail
        }
        switch kind {
        case .constant(let value):
            return value ? .pass : .fail
        case .isHTTP:
            return context.head == nil ? .fail : .pass
        case .hasContent:
            guard let head = context.head else { return .miss }
            if head.headers.contains("transfer-encoding") { return .pass }
            var positive = false
            SampleFetch.forEachHeaderValue(head, "content-length", splitCommas: true) { value in
                if let length = Int(value), length > 0 { positive = true; return true }
                return false
            }
            return positive ? .pass : .fail
        case .sample:
            return .miss
        }
    }
}

/// A named ACL: the OR of every line that declared that name.
struct CompiledACL: Sendable, Hashable {
    var tests: [ACLTest]
    /// For a named ACL, its index among the proxy's ACLs, by which `SelectionProgram` recognises the rules
    /// that share it. nil for anonymous and predefined ACLs.
    var slot: Int? = nil

    func evaluate(_ context: SampleContext) -> ACLResult {
        var sawMiss = false
        for test in tests {
            switch test.evaluate(context) {
            case .pass: return .pass
            case .miss: sawMiss = true
            case .fail: break
            }
        }
        return sawMiss ? .miss : .fail
    }
}
