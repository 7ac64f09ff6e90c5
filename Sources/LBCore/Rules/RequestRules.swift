import LBConfig

/// The outcome of running a proxy's `http-request` rules on one request.
public enum RequestVerdict: Sendable, Hashable {
    /// Go on: the head may have been rewritten.
    case proceed
    /// Answer locally with this status and the proxy's built-in error page (`deny`).
    case deny(status: Int)
    /// Answer locally with this response (`return`, `redirect`).
    case respond(LocalResponse)
    /// `http-request auth`: answer 401 with this realm.
    case authenticate(realm: String)
    /// `use-service NAME` (e.g. `prometheus-exporter`).
    case useService(String)
    /// `tarpit`: hold the request for `timeout tarpit`, then answer this status.
    case tarpit(status: Int)
    /// `reject`: close the connection without answering.
    case reject
}

/// A response the proxy writes itself.
public struct LocalResponse: Sendable, Hashable {
    public var status: Int
    public var headers: HTTPHeaderFields
    public var body: [UInt8]
    public init(status: Int, headers: HTTPHeaderFields = HTTPHeaderFields(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Compiled `http-request` rules plus backend selection for one proxy. Immutable and shareable across loops.
public struct RequestRules: Sendable {
    var rules: [CompiledHTTPRule]
    var backendRules: [BackendSelectionRule]
    var defaultBackend: BackendTarget?
    /// Backend name to index, for names computed at request time.
    var backendIndexes: [String: Int]
    /// The `use_backend` conditions in the form evaluated per request.
    let selection: SelectionProgram

    /// An empty rule set: every request proceeds and no backend is selected.
    public init() {
        self.init(rules: [], backendRules: [], defaultBackend: nil, backendIndexes: [:])
    }

    init(rules: [CompiledHTTPRule], backendRules: [BackendSelectionRule], defaultBackend: BackendTarget?, backendIndexes: [String: Int]) {
        self.rules = rules
        self.backendRules = backendRules
        self.defaultBackend = defaultBackend
        self.backendIndexes = backendIndexes
        selection = SelectionProgram(backendRules)
    }

    /// True when there are `http-request` rules to run.
    public var hasHTTPRules: Bool { !rules.isEmpty }

    /// Runs the `http-request` rules in order on `head`, rewriting it in place, and stops at the first
    /// final verdict (deny, return, redirect, auth, use-service).
    public func apply(to head: inout HTTPRequestHead, connection: ConnectionInfo) -> RequestVerdict {
        apply(to: &head, connection: connection, serverCounts: nil)
    }

    /// As `apply(to:connection:)`, with live server counts for `nbsrv()` and the request's unique id for
    /// the `unique-id` fetch.
    public func apply(to head: inout HTTPRequestHead, connection: ConnectionInfo, serverCounts: (any UsableServerCounts)?,
                      uniqueID: String? = nil, stickCounters: (any StickCounterAccess)? = nil) -> RequestVerdict {
        for rule in rules {
            let context = SampleContext(head: head, connection: connection, serverCounts: serverCounts, uniqueID: uniqueID,
                                        stickCounters: stickCounters)
            if let condition = rule.condition, !condition.matches(context) { continue }
            switch rule.action {
            case .setHeader(let name, let value):
                head.headers.set(name, value.evaluate(in: context))
            case .addHeader(let name, let value):
                head.headers.add(name, value.evaluate(in: context))
            case .deleteHeader(let name):
                head.headers.remove(name)
            case .replaceHeader(let name, let regex, let replacement):
                var replacementText: String?
                for index in head.headers.fields.indices where head.headers.fields[index].name.equalsIgnoringASCIICase(name) {
                    guard let groups = regex.firstMatchGroups(head.headers.fields[index].value[...]) else { continue }
                    if replacementText == nil { replacementText = replacement.evaluate(in: context) }
                    head.headers.fields[index].value = Self.substituteGroups(replacementText!, groups)
                }
            case .deny(let status):
                return .deny(status: status)
            case .returnResponse(let status, let contentType, let body, let extra):
                var headers = HTTPHeaderFields()
                let bytes: [UInt8] = switch body {
                case .none: []
                case .bytes(let bytes): bytes
                case .template(let template): Array(template.evaluate(in: context).utf8)
                }
                if let contentType { headers.add("Content-Type", contentType) }
                for header in extra { headers.add(header.name, header.value.evaluate(in: context)) }
                return .respond(LocalResponse(status: status, headers: headers, body: bytes))
            case .redirect(let kind, let target, let code):
                return .respond(Self.redirect(kind: kind, target: target.evaluate(in: context), code: code, head: head))
            case .allow:
                return .proceed
            case .auth(let realm):
                return .authenticate(realm: realm)
            case .setPath(let value):
                head.uri = RequestURI(head.uri).replacingPath(with: value.evaluate(in: context))
            case .setQuery(let value):
                head.uri = RequestURI(head.uri).replacingQuery(with: value.evaluate(in: context))
            case .setURI(let value):
                head.uri = value.evaluate(in: context)
            case .useService(let name):
                return .useService(name)
            case .track(let slot, let key, let table):
                if let key = key.value(in: context) { stickCounters?.track(slot, table: table, key: String(key.text)) }
            case .stickCounter(let slot, let operation):
                _ = stickCounters?.tracked(slot, operation)
            case .tarpit(let status):
                return .tarpit(status: status)
            case .reject:
                return .reject
            case .noOperation:
                continue
            }
        }
        return .proceed
    }

    /// The backend index chosen by `use_backend` rules (first match) or `default_backend`; nil when neither
    /// applies (the request then gets a 503).
    public func selectBackend(for head: HTTPRequestHead, connection: ConnectionInfo) -> Int? {
        select { SampleContext(head: head, connection: connection, serverCounts: nil) }
    }

    /// As `selectBackend(for:connection:)`, with live server counts for `nbsrv()`.
    public func selectBackend(for head: HTTPRequestHead, connection: ConnectionInfo, serverCounts: (any UsableServerCounts)?) -> Int? {
        select { SampleContext(head: head, connection: connection, serverCounts: serverCounts) }
    }

    /// For TCP-mode frontends: `use_backend`/`default_backend` with only layer-4 fetches available.
    public func selectBackend(connection: ConnectionInfo) -> Int? {
        select { SampleContext(head: nil, connection: connection, serverCounts: nil) }
    }

    /// As `selectBackend(connection:)`, with live server counts for `nbsrv()`.
    public func selectBackend(connection: ConnectionInfo, serverCounts: (any UsableServerCounts)?) -> Int? {
        select { SampleContext(head: nil, connection: connection, serverCounts: serverCounts) }
    }

    /// First matching rule whose target resolves; a dynamic name that names no backend moves on to the
    /// next rule, then to the default. Without `use_backend` rules and with a fixed default (the usual
    /// frontend), the answer needs no sample context, and none is built.
    private func select(_ makeContext: () -> SampleContext) -> Int? {
        if backendRules.isEmpty {
            switch defaultBackend {
            case nil: return nil
            case .index(let index)?: return index
            case .dynamic?: break
            }
        }
        let context = makeContext()
        if let chosen = selection.firstResolvedRule(in: context, { resolve(backendRules[$0].target, context) }) {
            return chosen
        }
        return defaultBackend.flatMap { resolve($0, context) }
    }

    private func resolve(_ target: BackendTarget, _ context: SampleContext) -> Int? {
        switch target {
        case .index(let index): index
        case .dynamic(let template): backendIndexes[template.evaluate(in: context)]
        }
    }

    /// Replaces `\0`...`\9` in `text` with the capture groups.
    static func substituteGroups(_ text: String, _ groups: [Substring?]) -> String {
        guard text.contains("\\") else { return text }
        var output = ""
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            guard character == "\\" else { output.append(character); continue }
            guard let next = iterator.next() else { output.append("\\"); break }
            if let digit = next.wholeNumberValue, next.isASCII {
                if digit < groups.count, let group = groups[digit] { output += group }
            } else {
                output.append(next)
            }
        }
        return output
    }

    static func redirect(kind: HTTPRule.RedirectKind, target: String, code: Int, head: HTTPRequestHead) -> LocalResponse {
        let location: String
        switch kind {
        case .location:
            location = target
        case .prefix:
            // A prefix of "/" alone would double the slash: the original URI is used as is.
            location = target == "/" ? head.uri : target + head.uri
        case .scheme:
            location = target + "://" + (head.headers.first("host") ?? "") + head.uri
        }
        var headers = HTTPHeaderFields()
        headers.add("Location", location)
        return LocalResponse(status: code, headers: headers)
    }
}
