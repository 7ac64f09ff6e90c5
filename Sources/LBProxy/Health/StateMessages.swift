/// Server state-change messages, worded as HAProxy words them so existing alerting on them keeps working.
enum StateMessages {
    /// `duration` is nil for a verdict no check measured (traffic errors): the message then has none.
    static func serverDown(_ server: ServerRuntime, backend: BackendRuntime, result: CheckResult, duration: Int?) -> String {
        var text = "\(server.plan.backup ? "Backup " : "")Server \(backend.plan.name)/\(server.plan.name) is DOWN, reason: \(result.status.reason)"
        if result.status.showsCode { text += ", code: \(result.code ?? 0)" }
        if let info = result.info { text += ", info: \"\(info)\"" }
        text += (duration.map { ", check duration: \($0)ms" } ?? "") + ". \(remaining(backend, verb: "left"))"
        text += " \(server.activeConnections.load(ordering: .relaxed)) sessions active, 0 requeued, 0 remaining in queue."
        return text
    }

    static func serverUp(_ server: ServerRuntime, backend: BackendRuntime, result: CheckResult, duration: Int?) -> String {
        var text = "\(server.plan.backup ? "Backup " : "")Server \(backend.plan.name)/\(server.plan.name) is UP, reason: \(result.status.reason)"
        if result.status.showsCode { text += ", code: \(result.code ?? 0)" }
        if let info = result.info { text += ", info: \"\(info)\"" }
        text += (duration.map { ", check duration: \($0)ms" } ?? "") + ". \(remaining(backend, verb: "online"))"
        text += " 0 sessions requeued, 0 total in queue."
        return text
    }

    /// Messages for operator changes (runtime API, stats page), in HAProxy's words.
    static func adminChange(_ server: ServerRuntime, backend: BackendRuntime, from: ServerAdminState.Mode, to: ServerAdminState.Mode) -> String {
        let name = "\(backend.plan.name)/\(server.plan.name)"
        switch (from, to) {
        case (_, .maintenance):
            return "Server \(name) is going DOWN for maintenance. \(remaining(backend, verb: "left")) \(server.activeConnections.load(ordering: .relaxed)) sessions active, 0 requeued, 0 remaining in queue."
        case (_, .drain):
            return "Server \(name) enters drain state. \(remaining(backend, verb: "online")) 0 sessions requeued, 0 total in queue."
        case (.maintenance, .ready):
            return "Server \(name) is UP/READY (leaving forced maintenance)."
        case (.drain, .ready):
            return "Server \(name) is UP (leaving forced drain)."
        case (.ready, .ready):
            return "Server \(name) is UP."
        }
    }

    private static func remaining(_ backend: BackendRuntime, verb: String) -> String {
        let active = backend.servers.filter { !$0.plan.backup && $0.isUsable }.count
        let backup = backend.servers.filter { $0.plan.backup && $0.isUsable }.count
        return "\(active) active and \(backup) backup servers \(verb)."
    }
}
