import LBConfig

/// The outcome of running `http-response` rules on one response.
public enum ResponseVerdict: Sendable, Hashable {
    /// Relay the response, with its fields as the rules left them.
    case proceed
    /// `http-response deny`: drop the server's response and answer this status (502 unless
    /// `deny_status` says otherwise); the log shows `PH`.
    case deny(status: Int)
}

/// Compiled `http-response` rules of one proxy. Immutable and shareable across loops.
///
/// Header edits, `deny`, `allow` and the stick counter actions exist on this side: the configuration
/// parser refuses the request-only actions in `http-response` rules.
public struct ResponseRules: Sendable {
    var rules: [CompiledHTTPRule]

    public init() { rules = [] }
    init(rules: [CompiledHTTPRule]) { self.rules = rules }

    public var isEmpty: Bool { rules.isEmpty }

    /// Runs the rules in order on `response`, rewriting its fields in place; stops at `allow` or `deny`.
    /// Conditions may read the request (`path`, `hdr()`...) as well as the response (`status`, `res.hdr()`).
    /// `track-scN` and the `sc-*` counter actions work on `stickCounters`, as in `http-request` rules.
    public func apply(to response: inout HTTPResponseFacts, request: HTTPRequestHead?, connection: ConnectionInfo,
                      serverCounts: (any UsableServerCounts)? = nil, uniqueID: String? = nil,
                      stickCounters: (any StickCounterAccess)? = nil) -> ResponseVerdict {
        for rule in rules {
            let context = SampleContext(head: request, connection: connection, serverCounts: serverCounts, response: response,
                                        uniqueID: uniqueID, stickCounters: stickCounters)
            if let condition = rule.condition, !condition.matches(context) { continue }
            switch rule.action {
            case .setHeader(let name, let value):
                response.headers.set(name, value.evaluate(in: context))
            case .addHeader(let name, let value):
                response.headers.add(name, value.evaluate(in: context))
            case .deleteHeader(let name):
                response.headers.remove(name)
            case .replaceHeader(let name, let regex, let replacement):
                var replacementText: String?
                for index in response.headers.fields.indices where response.headers.fields[index].name.equalsIgnoringASCIICase(name) {
                    guard let groups = regex.firstMatchGroups(response.headers.fields[index].value[...]) else { continue }
                    if replacementText == nil { replacementText = replacement.evaluate(in: context) }
                    response.headers.fields[index].value = RequestRules.substituteGroups(replacementText!, groups)
                }
            case .deny(let status):
                return .deny(status: status)
            case .allow:
                return .proceed
            case .track(let slot, let key, let table):
                if let key = key.value(in: context) { stickCounters?.track(slot, table: table, key: String(key.text)) }
            case .stickCounter(let slot, let operation):
                _ = stickCounters?.tracked(slot, operation)
            case .noOperation, .returnResponse, .redirect, .auth, .setPath, .setQuery, .setURI, .useService, .tarpit, .reject:
                continue
            }
        }
        return .proceed
    }
}
