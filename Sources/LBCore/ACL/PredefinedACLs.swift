import LBConfig

/// ACLs that exist without being declared (TRUE, LOCALHOST, METH_GET...).
enum PredefinedACLs {
    static func lookup(_ name: String) -> CompiledACL? { table[name] }

    private static func sample(_ fetch: SampleFetch, _ method: MatchMethod, _ patterns: [String]) -> CompiledACL {
        guard case .success(let matcher) = Matcher.compile(method: method, ignoreCase: false, operator: nil, patterns: patterns) else {
            preconditionFailure("predefined ACL patterns are valid")
        }
        return CompiledACL(tests: [ACLTest(kind: .sample(SampleExpression(fetch: fetch, converters: []), matcher))])
    }

    private static func kind(_ kind: ACLTest.Kind) -> CompiledACL { CompiledACL(tests: [ACLTest(kind: kind)]) }

    static let table: [String: CompiledACL] = [
        "TRUE": kind(.constant(true)),
        "FALSE": kind(.constant(false)),
        "LOCALHOST": sample(.source, .ip, ["127.0.0.1/8", "::1"]),
        "HTTP": kind(.isHTTP),
        "HTTP_1.0": sample(.version, .str, ["1.0"]),
        "HTTP_1.1": sample(.version, .str, ["1.1"]),
        "HTTP_2.0": sample(.version, .str, ["2.0"]),
        "HTTP_3.0": sample(.version, .str, ["3.0"]),
        "HTTP_CONTENT": kind(.hasContent),
        "REQ_CONTENT": kind(.hasContent),
        "HTTP_URL_ABS": sample(.url, .reg, ["^[^/:]*://"]),
        "HTTP_URL_SLASH": sample(.url, .beg, ["/"]),
        "HTTP_URL_STAR": sample(.url, .str, ["*"]),
        "METH_CONNECT": sample(.method, .str, ["CONNECT"]),
        "METH_DELETE": sample(.method, .str, ["DELETE"]),
        "METH_GET": sample(.method, .str, ["GET", "HEAD"]),
        "METH_HEAD": sample(.method, .str, ["HEAD"]),
        "METH_OPTIONS": sample(.method, .str, ["OPTIONS"]),
        "METH_POST": sample(.method, .str, ["POST"]),
        "METH_PUT": sample(.method, .str, ["PUT"]),
        "METH_TRACE": sample(.method, .str, ["TRACE"]),
        // lb evaluates rules once the whole head is in, so there is never more to wait for.
        "WAIT_END": kind(.constant(true)),
        "RDP_COOKIE": sample(.contentFact(.rdpCookie(name: nil)), .found, []),
    ]
}
