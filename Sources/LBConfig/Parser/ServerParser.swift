/// `server NAME ADDRESS[:PORT] [options...]` and `default-server [options...]`.
enum ServerParser {
    /// A `server` line, starting from the proxy's `default-server` template.
    static func parseServer(_ directive: Directive, template: ServerDeclaration, context: inout ParseContext) -> ServerDeclaration? {
        guard let name = directive.text(1), let address = directive.text(2) else {
            context.error("'server' expects a name and an address", at: directive.location,
                          hint: "for example: server web1 192.168.1.8:80 check")
            return nil
        }
        guard AddressParsing.isHostname(name) || name.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "/" }) else {
            context.error("invalid server name '\(name)'", at: directive.location(of: 1))
            return nil
        }
        let parsed: (host: String, port: Int?)
        switch AddressParsing.server(address) {
        case .failure(let failure):
            context.error(failure.message, at: directive.location(of: 2), hint: failure.hint)
            return nil
        case .success(let value):
            parsed = value
        }
        var server = template
        server.name = name
        server.host = parsed.host
        server.port = parsed.port
        server.location = directive.location
        guard applyOptions(directive, from: 3, to: &server, context: &context),
              ServerHealthParser.validate(server, location: directive.location, context: &context) else { return nil }
        return server
    }

    /// Applies the options written from word `start` on; false when one is invalid (reported).
    static func applyOptions(_ directive: Directive, from start: Int, to server: inout ServerDeclaration, context: inout ParseContext) -> Bool {
        var index = start
        var unapplied: [String] = []
        var valid = true
        while let option = directive.text(index) {
            index += 1
            switch option {
            case "weight":
                guard let value = context.integer(directive, index, "weight", in: 0...256) else { valid = false; index += 1; continue }
                server.weight = value
            case "maxconn":
                guard let value = context.integer(directive, index, "maxconn", in: 0...Int(Int32.max)) else { valid = false; index += 1; continue }
                server.maxConnections = value
            case "pool-max-conn":
                guard let value = context.integer(directive, index, "pool-max-conn", in: -1...Int(Int32.max)) else { valid = false; index += 1; continue }
                server.poolMaxConnections = value
            case "pool-low-conn":
                guard context.integer(directive, index, "pool-low-conn", in: 0...Int(Int32.max)) != nil else { valid = false; index += 1; continue }
                context.warning("'pool-low-conn' has no effect: lb never takes an idle connection from another thread",
                                at: directive.location(of: index - 1))
            case "pool-purge-delay":
                guard let value = context.duration(directive, index, option) else { valid = false; index += 1; continue }
                server.poolPurgeDelay = value
            case "maxqueue":
                guard let value = context.integer(directive, index, "maxqueue", in: 0...Int(Int32.max)) else { valid = false; index += 1; continue }
                server.maxQueue = value
            case "rise", "fall":
                guard let value = context.integer(directive, index, option, in: 1...Int(Int32.max)) else { valid = false; index += 1; continue }
                if option == "rise" { server.rise = value } else { server.fall = value }
            case "port":
                guard let value = context.integer(directive, index, "port", in: 1...65535) else { valid = false; index += 1; continue }
                server.checkPort = value
            case "inter", "fastinter", "downinter":
                guard let value = context.duration(directive, index, option) else { valid = false; index += 1; continue }
                guard value > 0 else {
                    context.error("'\(option)' must be greater than zero", at: directive.location(of: index))
                    valid = false; index += 1; continue
                }
                switch option {
                case "inter": server.checkInterval = value
                case "fastinter": server.fastInterval = value
                default: server.downInterval = value
                }
            case "addr":
                guard let value = context.argument(directive, index, "addr", "an address") else { valid = false; continue }
                let bare = value.hasPrefix("[") && value.hasSuffix("]") ? String(value.dropFirst().dropLast()) : value
                guard IPAddress(bare) != nil || AddressParsing.isHostname(bare) else {
                    context.error("invalid check address '\(value)'", at: directive.location(of: index))
                    valid = false; index += 1; continue
                }
                server.checkAddress = bare
            case "cookie":
                guard let value = context.argument(directive, index, "cookie", "a value") else { valid = false; continue }
                server.cookie = value
            case "backup": server.backup = true; continue
            case "no-backup": server.backup = false; continue
            case "disabled": server.disabled = true; continue
            case "enabled": server.disabled = false; continue
            case "check": server.check = true; continue
            case "send-proxy": server.sendProxy = .v1; continue
            case "send-proxy-v2": server.sendProxy = .v2; continue
            case "no-send-proxy", "no-send-proxy-v2":
                if server.sendProxy == (option == "no-send-proxy" ? .v1 : .v2) { server.sendProxy = nil }
                continue
            case "check-send-proxy": server.checkSendProxy = true; continue
            case "no-check": server.check = false; continue
            default:
                if let applied = ServerHealthParser.apply(option, directive, at: &index, to: &server, context: &context) {
                    if !applied { valid = false }
                    continue
                }
                if let applied = ServerTLSParser.apply(option, directive, at: &index, to: &server.tls, context: &context) {
                    if !applied { valid = false }
                    continue
                }
                if let takesArgument = ServerOptions.other[option] {
                    server.otherOptions.append(option)
                    unapplied.append(option)
                    if takesArgument {
                        guard let value = context.argument(directive, index, option, "an argument") else { valid = false; continue }
                        server.otherOptions.append(value)
                    } else {
                        continue
                    }
                } else {
                    context.error("unknown server option '\(option)'", at: directive.location(of: index - 1),
                                  hint: Spelling.hint(for: option, among: Array(ServerOptions.handled) + Array(ServerTLSParser.keywords)
                                                            + Array(ServerHealthParser.keywords)
                                                            + Array(ServerOptions.other.keys)))
                    valid = false
                    continue
                }
            }
            index += 1
        }
        if !unapplied.isEmpty {
            let list = unapplied.map { "'\($0)'" }.joined(separator: ", ")
            let subject = unapplied.count > 1 ? "server options \(list) are" : "server option \(list) is"
            context.warning("\(subject) parsed but not yet applied by lb", at: directive.location)
        }
        return valid
    }
}
