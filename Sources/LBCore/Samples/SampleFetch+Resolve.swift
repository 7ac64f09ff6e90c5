import LBConfig

extension SampleFetch {
    /// HAProxy fetches that lb knows by name but does not compute yet. They compile with a warning and
    /// yield no value.
    static let knownButUnimplemented: Set<String> = [
        "req.body", "req.body_param", "req.body_len",
        "req.ssl_ver",
        "capture.req.hdr", "capture.req.uri", "var", "env", "date",
        "fe_conn", "be_conn", "connslots", "avg_queue", "queue", "be_sess_rate", "fe_sess_rate",
        "srv_is_up", "stopping", "url_ip", "url_port", "hdr_ip", "req.hdr_ip", "rand",
        "so_id", "fe_id", "fe_name", "be_id", "be_name", "srv_id", "srv_name",
    ]

    /// Resolves `name(args)` to a fetch.
    static func resolve(_ call: SampleCall, environment: CompileEnvironment) throws(SampleCompileError) -> SampleFetch {
        let arguments = call.arguments
        func requiredName() throws(SampleCompileError) -> String {
            guard let first = arguments.first, !first.isEmpty else {
                throw SampleCompileError("fetch '\(call.name)' needs a name argument")
            }
            return first
        }
        func occurrence() throws(SampleCompileError) -> Int? {
            guard arguments.count > 1 else { return nil }
            guard let value = Int(arguments[1]), value != 0 else {
                throw SampleCompileError("fetch '\(call.name)': occurrence '\(arguments[1])' must be a non-zero integer")
            }
            return value
        }
        func noArguments(_ fetch: SampleFetch) throws(SampleCompileError) -> SampleFetch {
            guard arguments.isEmpty || arguments == [""] else {
                throw SampleCompileError("fetch '\(call.name)' takes no argument")
            }
            return fetch
        }
        switch call.name {
        case "path": return try noArguments(.path)
        case "pathq": return try noArguments(.pathWithQuery)
        case "url": return try noArguments(.url)
        case "query": return try noArguments(.query)
        case "base": return try noArguments(.base)
        case "url_param", "urlp": return .urlParameter(try requiredName())
        case "hdr", "req.hdr": return .header(try requiredName(), occurrence: try occurrence())
        case "req.fhdr": return .fullHeader(try requiredName(), occurrence: try occurrence())
        case "hdr_cnt", "req.hdr_cnt": return .headerCount(arguments.first.flatMap { $0.isEmpty ? nil : $0 })
        case "req.fhdr_cnt": return .fullHeaderCount(arguments.first.flatMap { $0.isEmpty ? nil : $0 })
        case "req.cook", "cook": return .cookie(try requiredName())
        case "req.cook_cnt", "cook_cnt": return .cookieCount(try requiredName())
        case "method": return try noArguments(.method)
        case "req.ver", "req_ver": return try noArguments(.version)
        case "src": return try noArguments(.source)
        case "src_port": return try noArguments(.sourcePort)
        case "dst": return try noArguments(.destination)
        case "dst_port": return try noArguments(.destinationPort)
        case "ssl_fc": return try noArguments(.tls)
        case "fc_err": return try noArguments(.connectionError)
        case "req.payload", "payload":
            guard arguments.count == 2, let offset = Int(arguments[0]), let length = Int(arguments[1]), offset >= 0, length >= 0 else {
                throw SampleCompileError("fetch 'req.payload' expects an offset and a length, for example: req.payload(0,4)")
            }
            return .contentFact(.payload(offset: offset, length: length))
        case "req.rdp_cookie", "rdp_cookie", "req.rdp_cookie_cnt", "rdp_cookie_cnt":
            guard arguments.count <= 1 else { throw SampleCompileError("fetch '\(call.name)' takes at most a cookie name") }
            let name = arguments.first.flatMap { $0.isEmpty ? nil : $0 }
            return .contentFact(call.name.hasSuffix("_cnt") ? .rdpCookieCount(name: name) : .rdpCookie(name: name))
        case let name where ContentFetchField.byName[name] != nil: return try noArguments(.contentFact(ContentFetchField.byName[name]!))
        case let name where TLSFetchField.byName[name] != nil: return try noArguments(.tlsFact(TLSFetchField.byName[name]!))
        case "status": return try noArguments(.responseStatus)
        case "res.hdr", "shdr": return .responseHeader(try requiredName(), occurrence: try occurrence())
        case "res.fhdr": return .responseFullHeader(try requiredName(), occurrence: try occurrence())
        case "res.hdr_cnt", "shdr_cnt", "res.fhdr_cnt": return .responseHeaderCount(arguments.first.flatMap { $0.isEmpty ? nil : $0 })
        case "http_auth", "http_auth_group":
            let list = try requiredName()
            guard let userlist = environment.userlists[list] else {
                throw SampleCompileError("\(call.name): no userlist named '\(list)'")
            }
            return call.name == "http_auth" ? .httpAuth(userlist) : .httpAuthGroup(userlist)
        case "http_auth_user": return try noArguments(.httpAuthUser)
        case "http_auth_pass": return try noArguments(.httpAuthPassword)
        case "http_auth_type": return try noArguments(.httpAuthType)
        case "unique-id": return try noArguments(.uniqueID)
        case "uuid":
            guard arguments.isEmpty || arguments == [""] || arguments == ["4"] else {
                throw SampleCompileError("uuid: version '\(arguments[0])' is not supported", hint: "lb makes version 4 (random) UUIDs: write uuid or uuid(4)")
            }
            return .uuid
        case "str":
            guard arguments.count == 1 else { throw SampleCompileError("fetch 'str' takes one argument: the text") }
            return .text(arguments[0])
        case "always_true": return try noArguments(.constant(true))
        case "always_false": return try noArguments(.constant(false))
        case "nbsrv":
            let backend = try requiredName()
            guard let index = environment.backendIndexes[backend] else {
                throw SampleCompileError("nbsrv: no backend named '\(backend)'")
            }
            let count = index < environment.staticServerCounts.count ? environment.staticServerCounts[index] : 0
            return .usableServers(backend: index, staticCount: count)
        default:
            if let fetch = try StickCounterFetch.resolve(call.name, arguments: arguments, environment: environment) {
                return .stickCounter(fetch)
            }
            if knownButUnimplemented.contains(call.name) || call.name.hasPrefix("sc_") || call.name.hasPrefix("sc0_")
                || call.name.hasPrefix("sc1_") || call.name.hasPrefix("sc2_") || call.name.hasPrefix("src_")
                || call.name.hasPrefix("table_") {
                return .unimplemented(call.name)
            }
            throw SampleCompileError("unknown fetch '\(call.name)'")
        }
    }
}
