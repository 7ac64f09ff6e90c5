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
        case returnResponse(status: Int, contentType: String?, body: ReturnBody)
        case redirect(kind: HTTPRule.RedirectKind, target: LogFormatTemplate, code: Int)
        case allow
        case auth(realm: String)
        case setPath(LogFormatTemplate)
        case setQuery(LogFormatTemplate)
        case setURI(LogFormatTemplate)
        case useService(String)
        case noOperation
    }

    enum ReturnBody: Sendable {
        case none
        case bytes([UInt8])
        case template(LogFormatTemplate)
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
        case .return(let status, let contentType, let body):
            switch body {
            case nil:
                action = .returnResponse(status: status, contentType: contentType, body: .none)
            case .string(let text):
                action = .returnResponse(status: status, contentType: contentType, body: .bytes(Array(text.utf8)))
            case .logFormat(let text):
                guard let body = template(text) else { return nil }
                action = .returnResponse(status: status, contentType: contentType, body: .template(body))
            case .file(let path):
                guard let bytes = TextFile.readBytes(path) else {
                    environment.error("cannot read return file '\(path)'", at: location)
                    return nil
                }
                action = .returnResponse(status: status, contentType: contentType, body: .bytes(bytes))
            }
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
        case .unsupported(let name, _):
            environment.warning("'\(keyword) \(name)' is not supported yet; the rule is ignored", at: location)
            action = .noOperation
        }
        return CompiledHTTPRule(action: action, condition: condition)
    }
}
