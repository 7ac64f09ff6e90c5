/// `peers NAME` sections in either of HAProxy's forms: `peer NAME ADDR:PORT` lines (the local one also
/// gives the listening address), or a `bind ADDR:PORT` line with `server NAME [ADDR:PORT]` lines (the
/// local server without an address). The two forms cannot be mixed, as in HAProxy.
struct PeersSectionBuilder {
    var section: PeersSection
    private var names: [String: SourceLocation] = [:]
    private var bindLocation: SourceLocation?
    private var peerLineLocation: SourceLocation?

    init(name: String, localPeerName: String, location: SourceLocation) {
        section = PeersSection(name: name, localPeerName: localPeerName, location: location)
    }

    /// The local peer name as haproxy takes it: `-L` (which lb exports as HAPROXY_LOCALPEER), else the host name.
    static func localPeerName(environment: [String: String]) -> String {
        environment["HAPROXY_LOCALPEER"].flatMap { $0.isEmpty ? nil : $0 } ?? Platform.hostName
    }

    mutating func parse(_ directive: Directive, context: inout ParseContext) {
        switch directive.keyword {
        case "peer", "server":
            parsePeer(directive, context: &context)
        case "bind":
            parseBind(directive, context: &context)
        case "disabled":
            context.noExtraArguments(directive, after: 1, "disabled")
            section.disabled = true
        case "enabled", "enable":
            context.noExtraArguments(directive, after: 1, directive.keyword)
            section.disabled = false
        case "log", "default-bind", "default-server":
            context.notApplied("'\(directive.keyword)' in a peers section", at: directive.location)
        case "table":
            context.error("'table' in a peers section is not supported", at: directive.location,
                          hint: "declare the table in a backend: stick-table type ip size 100k expire 30m peers \(section.name)")
        default:
            context.error("unknown keyword '\(directive.keyword)' in a peers section", at: directive.location,
                          hint: Spelling.hint(for: directive.keyword, among: ["peer", "bind", "server", "disabled", "enabled", "table"])
                              ?? "expected peer, bind, server, disabled or enabled")
        }
    }

    private mutating func parsePeer(_ directive: Directive, context: inout ParseContext) {
        let keyword = directive.keyword
        let isPeerLine = keyword == "peer"
        if isPeerLine, let bindLocation {
            context.error("mixing 'peer' and 'bind' lines is forbidden (bind at \(bindLocation.fileAndLine))", at: directive.location,
                          hint: "use 'peer NAME ADDR:PORT' lines only, or 'bind' with 'server' lines")
            return
        }
        if isPeerLine, peerLineLocation == nil { peerLineLocation = directive.location }
        guard let name = context.argument(directive, 1, keyword, "a peer name and an address") else { return }
        if let previous = names[name] {
            context.error("peer '\(name)' is already declared at \(previous.fileAndLine)", at: directive.location(of: 1))
            return
        }
        let isLocal = name == section.localPeerName
        var host: String?
        var port: Int?
        // A local `server` line needs no address: the `bind` line says where the local peer listens.
        if isPeerLine || !isLocal {
            guard let address = directive.text(2) else {
                context.error("'\(keyword) \(name)' expects an address", at: directive.location,
                              hint: "write \(keyword) \(name) ADDRESS:PORT")
                return
            }
            switch AddressParsing.server(address) {
            case .failure(let failure):
                context.error("'\(keyword) \(name)': \(failure.message)", at: directive.location(of: 2), hint: failure.hint)
                return
            case .success(let parsed):
                guard let parsedPort = parsed.port else {
                    context.error("'\(keyword) \(name)': missing port in '\(address)'", at: directive.location(of: 2),
                                  hint: "write ADDRESS:PORT, for example 10.0.0.2:10000")
                    return
                }
                host = parsed.host
                port = parsedPort
            }
        }
        if directive.count > 3 {
            context.notApplied("'\(keyword)' option '\(directive.words[3].text)'", at: directive.location(of: 3))
        }
        names[name] = directive.location
        section.peers.append(PeersSection.Peer(name: name, host: host, port: port, location: directive.location))
    }

    private mutating func parseBind(_ directive: Directive, context: inout ParseContext) {
        if let peerLineLocation {
            context.error("mixing 'peer' and 'bind' lines is forbidden (peer at \(peerLineLocation.fileAndLine))", at: directive.location,
                          hint: "use 'peer NAME ADDR:PORT' lines only, or 'bind' with 'server' lines")
            return
        }
        if let bindLocation {
            context.error("one listener per peers section is allowed, another is configured at \(bindLocation.fileAndLine)",
                          at: directive.location)
            return
        }
        guard let text = context.argument(directive, 1, "bind", "an address") else { return }
        switch AddressParsing.bind(text) {
        case .failure(let failure):
            context.error("'bind': \(failure.message)", at: directive.location(of: 1), hint: failure.hint)
        case .success(let addresses):
            guard addresses.count == 1, let address = addresses.first else {
                context.error("'bind' in a peers section takes one port, not a range", at: directive.location(of: 1))
                return
            }
            bindLocation = directive.location
            section.bind = PeersSection.Address(host: address.host, port: address.port)
            if directive.count > 2 {
                context.notApplied("'bind' option '\(directive.words[2].text)' in a peers section", at: directive.location(of: 2))
            }
        }
    }
}
