import LBConfig

/// One `http-request` rule in executable form.
struct CompiledHTTPRule: Sendable {
    enum Action: Sendable {
        case setHeader(name: String, value: LogFormatTemplate)
        case addHeader(name: String, value: LogFormatTemplate)
        case deleteHeader(name: String)
        /// The regex is tried on each value of the header; a value it matches is replaced by the
        /// replacement, where `\1`..`\9` stand for the capture groups.
        case replaceHeader(name: String, regex: CompiledRegex, replacement: LogFormatTemplate)
        case deny(status: Int)
        case returnResponse(status: Int, contentType: String?, body: ReturnBody, headers: [(name: String, value: LogFormatTemplate)])
        case redirect(kind: HTTPRule.RedirectKind, target: LogFormatTemplate, code: Int)
        case allow
        case auth(realm: String)
        case setPath(LogFormatTemplate)
        case setQuery(LogFormatTemplate)
        case setURI(LogFormatTemplate)
        case useService(String)
        /// `track-scN`: the key expression and the table's index in `ProxyPlan.stickTables`.
        case track(slot: Int, key: SampleExpression, table: Int)
        case tarpit(status: Int)
        case reject
        /// `sc-inc-gpc0(N)` and the like.
        case stickCounter(slot: Int, operation: StickCounterOperation)
        case noOperation
    }

    enum ReturnBody: Sendable {
        case none
        case bytes([UInt8])
        case template(LogFormatTemplate)

        /// Known to be empty whatever the request (a template may still evaluate to nothing).
        var isEmpty: Bool {
            switch self {
            case .none: true
            case .bytes(let bytes): bytes.isEmpty
            case .template: false
            }
        }
    }

    var action: Action
    var condition: CompiledCondition?
}

extension CompiledHTTPRule {
    /// Compiles one rule; nil (with diagnostics) when it is invalid.
    static func compile(_ rule: HTTPRule, keyword: String = "http-request", proxyName: String, acls: [String: CompiledACL],
                        environment: inout CompileEnvironment) -> CompiledHTTPRule? {
        let location = rule.location
        var condition: CompiledCondition?
        if let written = rule.condition {
            guard let compiled = CompiledCondition.compile(written, acls: acls, environment: &environment) else { return nil }
            condition = compiled
        }
        func template(_ text: String) -> LogFormatTemplate? {
            LogFormatTemplate.compile(text, at: location, environment: &environment)
        }
        let action: Action
        switch rule.action {
        case .setHeader(let name, let value):
            guard let value = template(value) else { return nil }
            action = .setHeader(name: name, value: value)
        case .addHeader(let name, let value):
            guard let value = template(value) else { return nil }
            action = .addHeader(name: name, value: value)
        case .delHeader(let name):
            action = .deleteHeader(name: name)
        case .replaceHeader(let name, let pattern, let replacement):
            guard let regex = try? CompiledRegex(pattern) else {
                environment.error("invalid regular expression '\(pattern)'", at: location)
                return nil
            }
            guard let replacement = template(replacement) else { return nil }
            action = .replaceHeader(name: name, regex: regex, replacement: replacement)
        case .deny(let status):
            action = .deny(status: status)
        case .return(let status, let contentType, let body, let written):
            var headers: [(name: String, value: LogFormatTemplate)] = []
            for header in written {
                guard let value = template(header.value) else { return nil }
                headers.append((header.name, value))
            }
            let compiledBody: ReturnBody
            switch body {
            case nil:
                compiledBody = .none
            case .string(let text):
                compiledBody = .bytes(Array(text.utf8))
            case .logFormat(let text):
                guard let body = template(text) else { return nil }
                compiledBody = .template(body)
            case .file(let path), .logFormatFile(let path):
                guard let bytes = TextFile.readBytes(path) else {
                    environment.error("cannot read return file '\(path)'", at: location)
                    return nil
                }
                if case .logFormatFile = body {
                    guard let body = template(String(decoding: bytes, as: UTF8.self)) else { return nil }
                    compiledBody = .template(body)
                } else {
                    compiledBody = .bytes(bytes)
                }
            }
            // As HAProxy: an answer without a payload (none, or an empty file) has no content type.
            var shownType = contentType
            if contentType != nil, compiledBody.isEmpty {
                environment.warning("'return content-type' is ignored: the answer has no payload", at: location)
                shownType = nil
            }
            action = .returnResponse(status: status, contentType: shownType, body: compiledBody, headers: headers)
        case .allow:
            action = .allow
        case .redirect(let kind, let target, let code):
            guard let target = template(target) else { return nil }
            action = .redirect(kind: kind, target: target, code: code)
        case .auth(let realm):
            action = .auth(realm: realm ?? proxyName)
        case .setPath(let text):
            guard let value = template(text) else { return nil }
            action = .setPath(value)
        case .setQuery(let text):
            guard let value = template(text) else { return nil }
            action = .setQuery(value)
        case .setURI(let text):
            guard let value = template(text) else { return nil }
            action = .setURI(value)
        case .useService(let name):
            action = .useService(name)
        case .track(let slot, let key, let tableName):
            guard let compiled = compileTrack(slot: slot, key: key, table: tableName, keyword: keyword, at: location,
                                              environment: &environment) else { return nil }
            action = compiled
        case .tarpit(let status):
            action = .tarpit(status: status)
        case .reject:
            action = .reject
        case .stickCounter(let name, let slot, let value):
            action = .stickCounter(slot: slot, operation: StickCounterOperation.ruleAction(name, value: value))
        case .unsupported(let name, _):
            environment.warning("'\(keyword) \(name)' is not supported yet; the rule is ignored", at: location)
            action = .noOperation
        }
        return CompiledHTTPRule(action: action, condition: condition)
    }

    /// `track-scN KEY [table T]`: the key compiles as a sample expression and the table must exist.
    static func compileTrack(slot: Int, key: String, table tableName: String?, keyword: String, at location: SourceLocation,
                             environment: inout CompileEnvironment) -> Action? {
        let what = "\(keyword) track-sc\(slot)"
        let table: Int
        do {
            guard let index = try StickCounterFetch.tableIndex(tableName, for: what, environment: environment) else { return nil }
            table = index
        } catch {
            environment.error("'\(what)': \(error.message)", at: location,
                              hint: error.hint ?? "declare one, for example: stick-table type ip size 100k expire 30s store http_req_rate(10s)")
            return nil
        }
        do {
            return .track(slot: slot, key: try SampleExpression.compile(key[...], environment: environment), table: table)
        } catch {
            environment.error("'\(what)': \(error.message)", at: location)
            return nil
        }
    }
}
