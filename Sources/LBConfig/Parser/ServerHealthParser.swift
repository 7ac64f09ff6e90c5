/// The traffic-health and agent options of `server` and `default-server` lines: `observe`, `error-limit`,
/// `on-error`, `on-marked-down`, `on-marked-up`, `agent-check`, `agent-port`, `agent-inter`, `agent-send`
/// and `agent-addr`.
enum ServerHealthParser {
    static let valued: Set<String> = [
        "observe", "error-limit", "on-error", "on-marked-down", "on-marked-up", "agent-port", "agent-inter",
        "agent-send", "agent-addr",
    ]
    static let flags: Set<String> = ["agent-check", "no-agent-check"]
    static var keywords: Set<String> { valued.union(flags) }

    /// Applies `option` (the word before `index`); for an option with a value, reads it at `index` and
    /// steps past it. Nil when `option` is none of these; false when its value is invalid (reported).
    static func apply(_ option: String, _ directive: Directive, at index: inout Int, to server: inout ServerDeclaration,
                      context: inout ParseContext) -> Bool? {
        switch option {
        case "agent-check": server.agent.enabled = true; return true
        case "no-agent-check": server.agent.enabled = false; return true
        default: break
        }
        guard valued.contains(option) else { return nil }
        guard let value = context.argument(directive, index, option, "a value") else { return false }
        let location = directive.location(of: index)
        defer { index += 1 }
        switch option {
        case "observe":
            guard let layer = TrafficObservation.Layer(rawValue: value) else {
                context.error("'observe' expects layer4 or layer7, not '\(value)'", at: location)
                return false
            }
            server.observation.layer = layer
        case "error-limit":
            guard let limit = context.integer(directive, index, option, in: 1...Int(Int32.max)) else { return false }
            server.observation.errorLimit = limit
        case "on-error":
            guard let action = TrafficObservation.OnError(rawValue: value) else {
                context.error("'on-error' expects one of: " + TrafficObservation.OnError.allCases.map(\.rawValue).joined(separator: ", ")
                              + ", not '\(value)'", at: location)
                return false
            }
            server.observation.onError = action
        case "on-marked-down":
            guard value == "shutdown-sessions" else {
                context.error("'on-marked-down' expects shutdown-sessions, not '\(value)'", at: location)
                return false
            }
            server.observation.shutdownSessionsOnDown = true
        case "on-marked-up":
            guard value == "shutdown-backup-sessions" else {
                context.error("'on-marked-up' expects shutdown-backup-sessions, not '\(value)'", at: location)
                return false
            }
            server.observation.shutdownBackupSessionsOnUp = true
        case "agent-port":
            guard let port = context.integer(directive, index, option, in: 1...65535) else { return false }
            server.agent.port = port
        case "agent-inter":
            guard let interval = context.duration(directive, index, option) else { return false }
            guard interval > 0 else {
                context.error("'agent-inter' must be greater than zero", at: location)
                return false
            }
            server.agent.interval = interval
        case "agent-send":
            server.agent.send = value
        default:
            let bare = value.hasPrefix("[") && value.hasSuffix("]") ? String(value.dropFirst().dropLast()) : value
            guard IPAddress(bare) != nil || AddressParsing.isHostname(bare) else {
                context.error("invalid agent address '\(value)'", at: location)
                return false
            }
            server.agent.address = bare
        }
        return true
    }

    /// What a whole server line must hold together, checked once it is read.
    static func validate(_ server: ServerDeclaration, location: SourceLocation, context: inout ParseContext) -> Bool {
        if server.agent.enabled, server.agent.port == nil {
            context.error("server '\(server.name)': 'agent-check' needs 'agent-port'", at: location,
                          hint: "for example: agent-check agent-port 9999")
            return false
        }
        if server.observation.layer != nil, !server.check {
            context.warning("server '\(server.name)': 'observe' has no effect without 'check'", at: location)
        }
        return true
    }
}
