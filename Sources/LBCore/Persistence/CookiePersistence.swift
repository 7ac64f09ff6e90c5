import LBConfig

/// Cookie-based persistence decisions, pure: which server a request's cookie names, what to send on
/// to the server, and what to tell the client. The termination-state characters follow HAProxy:
/// the 3rd says what the client's cookie was, the 4th what lb did with the response's cookie.
public struct CookiePersistence: Sendable {
    public let settings: CookieSettings
    /// Each server's cookie value (nil: the server takes no part in persistence).
    public let serverValues: [String?]

    public init(settings: CookieSettings, serverValues: [String?]) {
        self.settings = settings
        self.serverValues = serverValues
    }

    /// What the client's cookie said.
    public enum ClientCookie: UInt8, Sendable {
        /// No persistence cookie in the request.
        case none = 78  // N
        /// A cookie that names no known server.
        case invalid = 73  // I
        /// It names a server that is down (the request was redispatched).
        case down = 68  // D
        /// It names a usable server (the request went there).
        case valid = 86  // V
        /// Its last-seen date is older than `maxidle` (or more than a day ahead): ignored.
        case expired = 69  // E
        /// Its first-seen date is older than `maxlife` (or more than a day ahead): ignored.
        case old = 79  // O
    }

    /// True when inserted cookies carry dates (`maxidle` or `maxlife`).
    public var carriesDates: Bool { settings.mode == .insert && (settings.maxIdle != nil || settings.maxLife != nil) }

    /// The request side: the server the cookie names (if any) and the `Cookie` header values to send on.
    public struct RequestDecision: Sendable {
        public var server: Int?
        public var clientCookie: ClientCookie
        /// The request's `Cookie` field values rewritten (cookie removed for `indirect`, prefix stripped
        /// for `prefix`); nil when they go on unchanged.
        public var rewrittenCookieHeaders: [String]?
        /// The cookie's dates (Unix seconds) when it carries them and was not ignored for its age.
        public var lastSeen: Int? = nil
        public var firstSeen: Int? = nil
    }

    /// Looks for the persistence cookie in the request's `Cookie` values.
    /// `usable(index)` says whether a server may take the request now; `persist` keeps a cookie's
    /// server even when it is down (`option persist`). `now` (Unix seconds) judges the cookie's dates; it
    /// matters only when `carriesDates`, and must then be the real time.
    public func decide(cookieHeaders: [String], usable: (Int) -> Bool, persist: Bool, now: Int = 0) -> RequestDecision {
        var decision = RequestDecision(server: nil, clientCookie: .none, rewrittenCookieHeaders: nil)
        var rewritten: [String] = []
        var changed = false
        for header in cookieHeaders {
            var kept: [Substring] = []
            for pair in header.split(separator: ";") {
                let trimmed = pair.drop(while: { $0 == " " })
                guard let equals = trimmed.firstIndex(of: "="), trimmed[..<equals] == settings.name else {
                    kept.append(trimmed)
                    continue
                }
                let value = trimmed[trimmed.index(after: equals)...]
                var serverPart = value
                var original: Substring?
                if settings.mode == .prefix, let tilde = value.firstIndex(of: "~") {
                    serverPart = value[..<tilde]
                    original = value[value.index(after: tilde)...]
                }
                if decision.server == nil && decision.clientCookie != .valid {
                    judge(serverPart, value: value, now: now, usable: usable, persist: persist, into: &decision)
                }
                switch settings.mode {
                case .prefix:
                    if let original {
                        kept.append(Substring("\(settings.name)=\(original)"))
                        changed = true
                    } else {
                        kept.append(trimmed)
                    }
                case .insert where settings.indirect:
                    changed = true  // the server never sees lb's own cookie
                default:
                    kept.append(trimmed)
                }
            }
            if !kept.isEmpty { rewritten.append(kept.joined(separator: "; ")) }
            if kept.isEmpty { changed = true }
        }
        if changed { decision.rewrittenCookieHeaders = rewritten }
        return decision
    }

    /// Decides from one occurrence of the cookie: its dates first (a stale cookie is ignored, whatever
    /// server it names), then the server it names.
    private func judge(_ serverPart: Substring, value: Substring, now: Int, usable: (Int) -> Bool, persist: Bool,
                       into decision: inout RequestDecision) {
        var serverPart = serverPart
        if carriesDates, let delimiter = value.firstIndex(of: CookieDate.delimiter) {
            serverPart = value[..<delimiter]
            let dates = value[value.index(after: delimiter)...].split(separator: CookieDate.delimiter, maxSplits: 1,
                                                                       omittingEmptySubsequences: false)
            // A date that does not decode counts as absent, as a cookie without dates is accepted.
            let last = dates.first.flatMap(CookieDate.decode), first = dates.count > 1 ? CookieDate.decode(dates[1]) : nil
            // More than a day ahead is as stale as too old (a clock fixed after a bad setting). When both
            // limits are passed the cookie is reported too old, as haproxy reports it.
            func passed(_ date: Int?, _ limit: Int?) -> Bool {
                guard let date, let limit else { return false }
                return date > now + 86_400 || now - date > limit
            }
            let stale: ClientCookie? = passed(first, settings.maxLife) ? .old : passed(last, settings.maxIdle) ? .expired : nil
            if let stale {
                decision.clientCookie = stale
                decision.lastSeen = nil
                decision.firstSeen = nil
                return
            }
            decision.lastSeen = last
            decision.firstSeen = first
        }
        if let index = serverValues.firstIndex(where: { $0 != nil && $0! == serverPart }) {
            if usable(index) || persist {
                decision.server = index
                decision.clientCookie = .valid
            } else {
                decision.clientCookie = .down
            }
        } else {
            decision.clientCookie = .invalid
        }
    }

    /// What lb did with the response's cookie.
    public enum ServerCookieAction: UInt8, Sendable {
        case none = 78  // N
        case inserted = 73  // I
        /// A valid cookie's dates refreshed (`maxidle`, `maxlife`).
        case updated = 85  // U
        case rewritten = 82  // R
        case passed = 80  // P
        case deleted = 68  // D
    }

    /// The `Set-Cookie` value to add for `insert` mode and whether it is a new cookie or a refresh of
    /// the client's dates, or nil when none is due. `lastSeen`/`firstSeen` are the request's cookie dates
    /// (`RequestDecision`), `now` Unix seconds.
    public func insertion(server: Int, clientCookie: ClientCookie, clientServer: Int?, method: String,
                          serverSetItsOwn: Bool, lastSeen: Int? = nil, firstSeen: Int? = nil,
                          now: Int = 0) -> (value: String, action: ServerCookieAction)? {
        guard settings.mode == .insert, let serverValue = serverValues[server] ?? nil else { return nil }
        if settings.postOnly && method != "POST" { return nil }
        if settings.preserve && serverSetItsOwn { return nil }
        var action = ServerCookieAction.inserted
        // A client that already holds a valid cookie for this very server needs nothing new, unless its
        // dates are due: the last-seen date once it is in the past (so at most every 4 s, the dates'
        // unit), the first-seen date when missing.
        if clientCookie == .valid && clientServer == server {
            let idleDue = settings.maxIdle != nil && (lastSeen ?? Int.min) < now
            let lifeDue = settings.maxLife != nil && firstSeen == nil
            guard carriesDates && (idleDue || lifeDue || lastSeen == nil) else { return nil }
            action = .updated
        }
        var value = serverValue
        if carriesDates {
            value += "\(CookieDate.delimiter)\(CookieDate.encode(seconds: now))"
            if settings.maxLife != nil { value += "\(CookieDate.delimiter)\(CookieDate.encode(seconds: firstSeen ?? now))" }
        }
        var text = "\(settings.name)=\(value); path=/"
        for domain in settings.domains { text += "; domain=\(domain)" }
        if settings.httpOnly { text += "; HttpOnly" }
        if settings.secure { text += "; Secure" }
        for attribute in settings.attributes { text += "; \(attribute)" }
        return (text, action)
    }

    /// For `rewrite` and `prefix` modes: the new value of a server's `Set-Cookie` for our cookie name,
    /// or nil when the field is not ours.
    public func rewriteServerCookie(_ setCookieValue: Substring, server: Int) -> String? {
        guard settings.mode != .insert, let serverValue = serverValues[server] ?? nil,
              let equals = setCookieValue.firstIndex(of: "="),
              setCookieValue[..<equals].trimmingSpaces == Substring(settings.name) else { return nil }
        let afterName = setCookieValue[setCookieValue.index(after: equals)...]
        let valueEnd = afterName.firstIndex(of: ";") ?? afterName.endIndex
        let rest = afterName[valueEnd...]
        switch settings.mode {
        case .rewrite: return "\(settings.name)=\(serverValue)\(rest)"
        case .prefix: return "\(settings.name)=\(serverValue)~\(afterName[..<valueEnd])\(rest)"
        case .insert: return nil
        }
    }

    /// True when a server's `Set-Cookie` value sets our cookie name (insert mode removes it unless
    /// `preserve`).
    public func isOurCookie(_ setCookieValue: Substring) -> Bool {
        guard let equals = setCookieValue.firstIndex(of: "=") else { return false }
        return setCookieValue[..<equals].trimmingSpaces == Substring(settings.name)
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var result = self
        while result.first == " " { result.removeFirst() }
        while result.last == " " { result.removeLast() }
        return result
    }
}
