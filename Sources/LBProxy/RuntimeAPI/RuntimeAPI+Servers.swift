import LBCore

extension RuntimeAPI {
    static let serverCommands: [RuntimeCommand] = [
        RuntimeCommand(words: ["disable", "server"], arguments: "<bk>/<srv>", help: "put a server in maintenance", level: .admin) { args, api in
            api.withServer(args.first) { backend, index in api.setMode(.maintenance, backend, index) }
        },
        RuntimeCommand(words: ["enable", "server"], arguments: "<bk>/<srv>", help: "take a server out of maintenance", level: .admin) { args, api in
            api.withServer(args.first) { backend, index in api.setMode(.ready, backend, index) }
        },
        RuntimeCommand(words: ["set", "server"], arguments: "<bk>/<srv> state|weight|health ...", help: "change a server's state, weight or health", level: .admin) { args, api in
            api.setServer(args)
        },
        RuntimeCommand(words: ["set", "weight"], arguments: "<bk>/<srv> <weight>[%]", help: "change a server's weight", level: .admin) { args, api in
            api.withServer(args.first) { backend, index in api.setWeight(args.dropFirst().first, backend, index) }
        },
        RuntimeCommand(words: ["get", "weight"], arguments: "<bk>/<srv>", help: "report a server's current and initial weight", level: .user) { args, api in
            api.withServer(args.first) { backend, index in
                let server = backend.servers[index]
                return "\(server.weight.load(ordering: .relaxed)) (initial \(server.plan.weight))\n"
            }
        },
        RuntimeCommand(words: ["disable", "health"], arguments: "<bk>/<srv>", help: "stop a server's health checks", level: .admin) { args, api in
            api.withServer(args.first) { backend, index in
                backend.servers[index].admin.checksEnabled.store(false, ordering: .relaxed)
                return ""
            }
        },
        RuntimeCommand(words: ["enable", "health"], arguments: "<bk>/<srv>", help: "resume a server's health checks", level: .admin) { args, api in
            api.withServer(args.first) { backend, index in
                guard backend.servers[index].plan.check else { return "Health check was not configured on this server, cannot enable.\n" }
                backend.servers[index].admin.checksEnabled.store(true, ordering: .relaxed)
                return ""
            }
        },
        RuntimeCommand(words: ["shutdown", "sessions", "server"], arguments: "<bk>/<srv>", help: "close every session using a server", level: .admin) { args, api in
            api.withServer(args.first) { backend, index in
                api.runtime.killSessions(backend: backend.index, server: index)
                return ""
            }
        },
    ]

    func withServer(_ path: String?, _ body: (BackendRuntime, Int) -> String) -> String {
        switch locate(path) {
        case .success(let (backend, index)): body(backend, index)
        case .failure(let error): error.message
        }
    }

    func setServer(_ args: [String]) -> String {
        withServer(args.first) { backend, index in
            let rest = Array(args.dropFirst())
            switch rest.first {
            case "state":
                switch rest.dropFirst().first {
                case "ready": return setMode(.ready, backend, index)
                case "drain": return setMode(.drain, backend, index)
                case "maint": return setMode(.maintenance, backend, index)
                default: return "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n"
                }
            case "weight":
                return setWeight(rest.dropFirst().first, backend, index)
            case "health":
                // As in HAProxy, a server without checks can be forced down too (it shows DOWN until forced up);
                // a checked server's next checks override the forced state.
                let server = backend.servers[index]
                switch rest.dropFirst().first {
                case "up": backend.setHealth(of: server, up: true)
                case "down", "stopping": backend.setHealth(of: server, up: false)
                default: return "'set server <srv> health' expects 'up', 'stopping', or 'down'.\n"
                }
                server.admin.lastChange.store(monotonicNow(), ordering: .relaxed)
                return ""
            default:
                // HAProxy's usage line, listing the sub-commands lb supports.
                return "usage: set server <backend>/<server> health | state | weight\n"
            }
        }
    }

    /// `N` (0 to 256) or `N%` of the configured weight (capped at 256), with HAProxy's messages.
    func setWeight(_ text: String?, _ backend: BackendRuntime, _ index: Int) -> String {
        guard let text, !text.isEmpty else { return "Require <weight> or <weight%>.\n" }
        let server = backend.servers[index]
        switch WeightRequest.resolve(Substring(text), initial: server.plan.weight) {
        case .success(let value):
            backend.setWeight(of: server, to: value)
            return ""
        case .failure(let refusal):
            return refusal.message + "\n"
        }
    }

    func setMode(_ mode: ServerAdminState.Mode, _ backend: BackendRuntime, _ index: Int) -> String {
        runtime.setMode(mode, backend: backend, index: index)
        return ""
    }
}
