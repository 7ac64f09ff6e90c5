import LBConfig

/// A fetch: where a sample's value comes from.
enum SampleFetch: Sendable, Hashable {
    case path
    case pathWithQuery
    case url
    case query
    /// Host header followed by the path.
    case base
    case urlParameter(String)
    /// `hdr(name[,occ])`: values split at commas; occ counts from 1 (or from the end when negative).
    case header(String, occurrence: Int?)
    /// `req.fhdr(name[,occ])`: whole header lines.
    case fullHeader(String, occurrence: Int?)
    /// `hdr_cnt([name])`: comma-separated values; nil name counts every header.
    case headerCount(String?)
    case fullHeaderCount(String?)
    case cookie(String)
    case cookieCount(String)
    case method
    case version
    case source
    case sourcePort
    case destination
    case destinationPort
    case tls
    /// `fc_err`: the error that ended the client connection, 0 when none. A connection that reaches a
    /// rule or a log record is established, so lb's value is always 0 (failed handshakes are reported
    /// as events, not as traffic records).
    case connectionError
    /// `ssl_fc_sni`, `ssl_c_verify`...: a fact of the connection's TLS session.
    case tlsFact(TLSFetchField)
    /// `req.ssl_sni`, `req.len`...: what TCP content inspection saw.
    case contentFact(ContentFetchField)
    /// `nbsrv(backend)`: `staticCount` (servers not `disabled`) applies when the caller gives no live counts.
    case usableServers(backend: Int, staticCount: Int)
    /// `status`: the response status (only while `http-response` rules run).
    case responseStatus
    /// `res.hdr(name[,occ])`, `res.fhdr` and `res.hdr_cnt`: the response's fields, as the request ones.
    case responseHeader(String, occurrence: Int?)
    case responseFullHeader(String, occurrence: Int?)
    case responseHeaderCount(String?)
    case constant(Bool)
    /// `str(TEXT)`: a fixed string (as a server's `sni str(backend.example)` writes its name).
    case text(String)
    /// `unique-id`: the request's id from `unique-id-format` (no value when none is configured).
    case uniqueID
    /// `uuid([4])`: a new random UUID at each evaluation.
    case uuid
    /// `http_auth(LIST)`: true when the request's Basic credentials are valid in the userlist.
    case httpAuth(UserlistVerifier)
    /// `http_auth_group(LIST)`: the groups of the user the credentials authenticate (no value otherwise).
    case httpAuthGroup(UserlistVerifier)
    /// `http_auth_user`, `http_auth_pass` and `http_auth_type`: what the `Authorization` header carries,
    /// not verified.
    case httpAuthUser
    case httpAuthPassword
    case httpAuthType
    /// `sc_*`, `scN_*` and `src_*`: stick table counters.
    case stickCounter(StickCounterFetch)
    /// A fetch HAProxy has and lb does not yet: it produces no value, so an ACL on it never matches.
    case unimplemented(String)

    var type: SampleType {
        switch self {
        case .headerCount, .fullHeaderCount, .cookieCount, .sourcePort, .destinationPort, .usableServers,
             .responseStatus, .responseHeaderCount, .connectionError: .integer
        case .stickCounter(let fetch): fetch.operation == .isTracked ? .boolean : .integer
        case .source, .destination: .address
        case .tls, .constant, .httpAuth: .boolean
        case .tlsFact(let field): field.type
        case .contentFact(let field): field.type
        default: .string
        }
    }

    /// True when the fetch reads the HTTP request, so it has no value on a plain TCP connection.
    var needsHTTP: Bool {
        switch self {
        case .source, .sourcePort, .destination, .destinationPort, .tls, .connectionError, .tlsFact, .usableServers, .constant, .text,
             .uniqueID, .uuid, .unimplemented, .stickCounter, .contentFact: false
        default: true
        }
    }

    /// Which value a single-valued use (a template, a hash) takes when the fetch yields several:
    /// headers give their last value, the others their first, as HAProxy does.
    var takesLastValue: Bool {
        switch self {
        case .header, .fullHeader, .responseHeader, .responseFullHeader: true
        default: false
        }
    }

    /// Calls `body` with each value in order until it returns true. Returns false when the context lacks
    /// what the fetch needs (a TCP connection for an HTTP fetch), which conditions treat as "unknown".
    @discardableResult
    func forEachValue(in context: SampleContext, _ body: (SampleValue) -> Bool) -> Bool {
        let connection = context.connection
        switch self {
        case .source:
            if let source = connection.source { _ = body(.address(source)) }
            return true
        case .sourcePort: _ = body(.integer(connection.sourcePort)); return true
        case .destination:
            if let destination = connection.destination { _ = body(.address(destination)) }
            return true
        case .destinationPort: _ = body(.integer(connection.destinationPort)); return true
        case .tls: _ = body(.boolean(connection.isTLS)); return true
        case .connectionError: _ = body(.integer(0)); return true
        case .tlsFact(let field):
            if let value = field.value(connection.tls) { _ = body(value) }
            return true
        case .contentFact(let field):
            if let value = field.value(connection.content) { _ = body(value) }
            return true
        case .usableServers(let backend, let staticCount):
            _ = body(.integer(context.serverCounts?.usableServers(inBackend: backend) ?? staticCount))
            return true
        case .constant(let value): _ = body(.boolean(value)); return true
        case .text(let value): _ = body(.string(value[...])); return true
        case .uuid:
            _ = body(.string(Self.randomUUID()[...]))
            return true
        case .uniqueID:
            if let id = context.uniqueID { _ = body(.string(id[...])) }
            return true
        case .unimplemented: return true
        case .stickCounter(let fetch):
            if let value = fetch.value(in: context) { _ = body(value) }
            return true
        case .responseStatus, .responseHeader, .responseFullHeader, .responseHeaderCount:
            guard let response = context.response else { return false }
            forEachResponseValue(response, body)
            return true
        default:
            guard let head = context.head else { return false }
            forEachHTTPValue(head, body)
            return true
        }
    }

    private func forEachHTTPValue(_ head: HTTPRequestHead, _ body: (SampleValue) -> Bool) {
        switch self {
        case .path:
            if let path = RequestURI(head.uri).path { _ = body(.string(path)) }
        case .pathWithQuery:
            if let path = RequestURI(head.uri).pathWithQuery { _ = body(.string(path)) }
        case .url:
            _ = body(.string(head.uri[...]))
        case .query:
            if let query = RequestURI(head.uri).query { _ = body(.string(query)) }
        case .base:
            guard let path = RequestURI(head.uri).path else { return }
            let host = head.headers.first("host") ?? ""
            _ = body(.string(Substring(host + path)))
        case .urlParameter(let name):
            RequestURI(head.uri).forEachParameter(named: name) { body(.string($0)) }
        case .header(let name, let occurrence):
            if let occurrence {
                if let value = Self.headerValue(head, name, occurrence: occurrence, splitCommas: true) { _ = body(.string(value)) }
            } else {
                Self.forEachHeaderValue(head, name, splitCommas: true) { body(.string($0)) }
            }
        case .fullHeader(let name, let occurrence):
            if let occurrence {
                if let value = Self.headerValue(head, name, occurrence: occurrence, splitCommas: false) { _ = body(.string(value)) }
            } else {
                Self.forEachHeaderValue(head, name, splitCommas: false) { body(.string($0)) }
            }
        case .headerCount(let name):
            var count = 0
            Self.forEachHeaderValue(head, name, splitCommas: true) { _ in count += 1; return false }
            _ = body(.integer(count))
        case .fullHeaderCount(let name):
            var count = 0
            Self.forEachHeaderValue(head, name, splitCommas: false) { _ in count += 1; return false }
            _ = body(.integer(count))
        case .cookie(let name):
            Self.forEachCookie(head, name) { body(.string($0)) }
        case .cookieCount(let name):
            var count = 0
            Self.forEachCookie(head, name) { _ in count += 1; return false }
            _ = body(.integer(count))
        case .method:
            _ = body(.string(head.method[...]))
        case .version:
            let version: Substring = switch (head.version.major, head.version.minor) {
            case (1, 0): "1.0"
            case (1, 1): "1.1"
            case (2, 0): "2.0"
            case (3, 0): "3.0"
            default: Substring("\(head.version.major).\(head.version.minor)")
            }
            _ = body(.string(version))
        case .httpAuth(let userlist):
            _ = body(.boolean(userlist.authenticatedGroups(head.headers.first("authorization")) != nil))
        case .httpAuthGroup(let userlist):
            for group in userlist.authenticatedGroups(head.headers.first("authorization")) ?? [] {
                if body(.string(group[...])) { break }
            }
        case .httpAuthUser, .httpAuthPassword:
            guard let (user, password) = BasicAuth.credentials(head.headers.first("authorization")) else { return }
            let value = String(decoding: self == .httpAuthUser ? user : password, as: UTF8.self)
            _ = body(.string(value[...]))
        case .httpAuthType:
            guard let header = head.headers.first("authorization") else { return }
            _ = body(.string(header.prefix { $0 != " " }.lowercased()[...]))
        default:
            break
        }
    }

    private func forEachResponseValue(_ response: HTTPResponseFacts, _ body: (SampleValue) -> Bool) {
        switch self {
        case .responseStatus:
            _ = body(.integer(response.status))
        case .responseHeader(let name, let occurrence), .responseFullHeader(let name, let occurrence):
            let split: Bool = if case .responseHeader = self { true } else { false }
            if let occurrence {
                if let value = Self.headerValue(response.headers, name, occurrence: occurrence, splitCommas: split) { _ = body(.string(value)) }
            } else {
                Self.forEachHeaderValue(response.headers, name, splitCommas: split) { body(.string($0)) }
            }
        case .responseHeaderCount(let name):
            var count = 0
            Self.forEachHeaderValue(response.headers, name, splitCommas: true) { _ in count += 1; return false }
            _ = body(.integer(count))
        default:
            break
        }
    }

    static func forEachHeaderValue(_ head: HTTPRequestHead, _ name: String?, splitCommas: Bool, _ body: (Substring) -> Bool) {
        forEachHeaderValue(head.headers, name, splitCommas: splitCommas, body)
    }

    static func headerValue(_ head: HTTPRequestHead, _ name: String, occurrence: Int, splitCommas: Bool) -> Substring? {
        headerValue(head.headers, name, occurrence: occurrence, splitCommas: splitCommas)
    }

    /// Each value of header `name` (every header when nil), trimmed, optionally split at commas.
    static func forEachHeaderValue(_ headers: HTTPHeaderFields, _ name: String?, splitCommas: Bool, _ body: (Substring) -> Bool) {
        for field in headers.fields {
            if let name, !field.name.equalsIgnoringASCIICase(name) { continue }
            if splitCommas {
                // Walks the commas in place: splitting into an array allocated once per ACL evaluation.
                let value = field.value
                var start = value.startIndex
                var index = start
                let utf8 = value.utf8
                while index < value.endIndex {
                    if utf8[index] == UInt8(ascii: ",") {
                        if body(value[start..<index].trimmingASCIIBlanks()) { return }
                        start = utf8.index(after: index)
                    }
                    index = utf8.index(after: index)
                }
                if body(value[start...].trimmingASCIIBlanks()) { return }
            } else if body(field.value.trimmingASCIIBlanks()) {
                return
            }
        }
    }

    /// The `occurrence`-th value (1-based; negative counts from the last, -1 being the last).
    static func headerValue(_ headers: HTTPHeaderFields, _ name: String, occurrence: Int, splitCommas: Bool) -> Substring? {
        var target = occurrence
        if occurrence < 0 {
            var count = 0
            forEachHeaderValue(headers, name, splitCommas: splitCommas) { _ in count += 1; return false }
            target = count + occurrence + 1
        }
        guard target >= 1 else { return nil }
        var seen = 0
        var found: Substring?
        forEachHeaderValue(headers, name, splitCommas: splitCommas) { value in
            seen += 1
            if seen == target { found = value; return true }
            return false
        }
        return found
    }

    /// Values of the cookies called `name` in every `Cookie` header (`a=1; b=2`).
    static func forEachCookie(_ head: HTTPRequestHead, _ name: String, _ body: (Substring) -> Bool) {
        for field in head.headers.fields where field.name.equalsIgnoringASCIICase("cookie") {
            for part in field.value.split(separator: ";") {
                let pair = part.trimmingASCIIBlanks()
                guard let equals = pair.utf8.firstIndex(of: UInt8(ascii: "=")) else { continue }
                if pair[..<equals].trimmingASCIIBlanks() == name[...] {
                    if body(pair[pair.utf8.index(after: equals)...].trimmingASCIIBlanks()) { return }
                }
            }
        }
    }
}
