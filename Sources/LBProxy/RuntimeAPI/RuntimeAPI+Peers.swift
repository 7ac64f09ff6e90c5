import NIOCore

/// `show peers [dict|-] [<section>]`: the peers sections, their peers and sessions, in HAProxy's layout.
extension RuntimeAPI {
    static let peersCommands: [RuntimeCommand] = [
        RuntimeCommand(words: ["show", "peers"], arguments: "[dict|-] [section]", help: "dump some information about all the peers",
                       level: .user, answer: { args, api in .later(api.showPeers(args)) }),
    ]

    func showPeers(_ args: [String]) -> EventLoopFuture<String> {
        var words = args[...]
        let dictionaries = words.first == "dict"
        if words.first == "dict" || words.first == "-" { words = words.dropFirst() }
        var services = runtime.peers
        if let name = words.first {
            services = services.filter { $0.section.name == name }
            guard !services.isEmpty else { return eventLoop.makeSucceededFuture("'\(name)' is not a peers section.\n") }
        }
        let parts = services.map { service in
            service.loop.submit { service.state.value.show(dictionaries: dictionaries) }
        }
        return EventLoopFuture.whenAllSucceed(parts, on: eventLoop).map { $0.joined(separator: "\n") }
    }
}
