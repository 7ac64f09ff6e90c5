/// Checks between `peers` sections and the tables that name them: a table's `peers NAME` must name a
/// section; a section without the local peer does nothing, which HAProxy reports with a warning.
enum PeersValidation {
    static func run(_ proxies: [Proxy], peers: [PeersSection], context: inout ParseContext) {
        let byName = Dictionary(peers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for proxy in proxies {
            guard let table = proxy.stickTable, let name = table.peers else { continue }
            if byName[name] == nil {
                context.error("stick-table of '\(proxy.name)': unknown peers section '\(name)'", at: table.location,
                              hint: context.nameHint(for: name, among: byName.keys) ?? "declare 'peers \(name)' with a 'peer' line per node")
            }
        }
        for section in peers where !section.disabled {
            guard section.localPeer != nil else {
                context.warning("peers section '\(section.name)' has no peer named '\(section.localPeerName)' (the local peer name): it is ignored",
                                at: section.location, hint: "start lb with -L NAME, NAME being this node's 'peer' line")
                continue
            }
            if section.listenAddress == nil {
                context.error("peers section '\(section.name)': the local peer '\(section.localPeerName)' has no address",
                              at: section.localPeer?.location ?? section.location,
                              hint: "add 'bind ADDR:PORT' to the section, or write 'peer \(section.localPeerName) ADDR:PORT'")
            }
        }
    }
}
