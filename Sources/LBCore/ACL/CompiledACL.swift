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
struct ACLTest: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case constant(Bool)
        /// `HTTP`: true when the traffic is HTTP.
        case isHTTP
        /// `HTTP_CONTENT` / `REQ_CONTENT`: a body is announced (Content-Length > 0 or Transfer-Encoding).
        case hasContent
        case sample(SampleExpression, Matcher)
    }
    var kind: Kind

    func evaluate(_ context: SampleContext) -> ACLResult {
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
        case .sample(let expression, let matcher):
            var matched = false
            let available = expression.forEachValue(in: context) { value in
                if matcher.matches(value) { matched = true }
                return matched
            }
            if !available { return .miss }
            return matched ? .pass : .fail
        }
    }
}

/// A named ACL: the OR of every line that declared that name.
struct CompiledACL: Sendable, Hashable {
    var tests: [ACLTest]

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
