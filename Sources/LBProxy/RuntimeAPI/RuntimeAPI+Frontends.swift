extension RuntimeAPI {
    static let frontendCommands: [RuntimeCommand] = [
        RuntimeCommand(words: ["disable", "frontend"], arguments: "<frontend>", help: "temporarily disable specific frontend", level: .admin) { args, api in
            api.switchFrontend(args.first, enable: false)
        },
        RuntimeCommand(words: ["enable", "frontend"], arguments: "<frontend>", help: "re-enable specific frontend", level: .admin) { args, api in
            api.switchFrontend(args.first, enable: true)
        },
    ]

    func switchFrontend(_ name: String?, enable: Bool) -> RuntimeAnswer {
        guard let name else { return .text("A frontend name is expected.\n") }
        guard let switchFrontend else { return .text("No such frontend.\n") }
        return .later(switchFrontend(name, enable, eventLoop))
    }
}
