import Foundation
import LBCore
import NIOConcurrencyHelpers

extension ProxyRuntime {
    /// Applies the saved states (`load-server-state-from-file`) to the servers they name, matched by
    /// backend and server names, before any traffic or check: admin mode, runtime weight, checks
    /// disabled at run time, and for checked servers the health their checks had reached. A file that
    /// cannot be read is reported and changes nothing, as in HAProxy.
    func restoreServerStates() {
        var files: [String: ServerStateFile] = [:]
        var unreadable: Set<String> = []
        for backend in backends {
            guard let path = backend.plan.serverStateFile, !unreadable.contains(path) else { continue }
            let file: ServerStateFile
            if let known = files[path] {
                file = known
            } else {
                guard let read = readStateFile(path) else {
                    unreadable.insert(path)
                    continue
                }
                files[path] = read
                file = read
            }
            var restored = 0
            for server in backend.servers {
                guard let line = file.line(backend: backend.plan.name, server: server.plan.name) else { continue }
                restore(server, from: line)
                restored += 1
            }
            backend.publishServerStates()
            events.notice("backend \(backend.plan.name): state of \(restored) of \(backend.servers.count) servers loaded from '\(path)'")
        }
    }

    private func readStateFile(_ path: String) -> ServerStateFile? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            events.warning("cannot read server state file '\(path)': \(String(cString: strerror(errno)))")
            return nil
        }
        let file = ServerStateFile(parsing: text)
        for problem in file.problems { events.warning("server state file '\(path)', \(problem); ignored") }
        return file
    }

    /// Applies one saved line.
    private func restore(_ server: ServerRuntime, from line: ServerStateLine) {
        let plan = server.plan
        let decision = ServerStateRestore(line, configured: .init(disabled: plan.disabled, weight: plan.weight, checked: plan.check,
                                                                  rise: plan.rise, fall: plan.fall))
        let mode: ServerAdminState.Mode
        switch decision.admin {
        case .ready: mode = .ready
        case .drain: mode = .drain
        case .maintenance: mode = .maintenance
        }
        let now = monotonicNow()
        server.admin.set(mode, now: now)
        // The last change keeps its age from the file, as HAProxy's `lastchg` does across a reload.
        let age = UInt64(max(0, line.secondsSinceLastChange)) * 1_000_000_000
        if age > 0, age < now { server.admin.lastChange.store(now - age, ordering: .relaxed) }
        if let weight = decision.weight { server.weight.store(weight, ordering: .relaxed) }
        if let enabled = decision.checksEnabled { server.admin.checksEnabled.store(enabled, ordering: .relaxed) }
        if let health = decision.checkHealth, let up = decision.isUp {
            // The checks start from this counter (`HealthChecker` reads the server's).
            server.health.withLockedValue { $0 = HealthState(rise: plan.rise, fall: plan.fall, initialHealth: health) }
            server.healthy.store(up, ordering: .relaxed)
            server.admin.checkHealth.store(health, ordering: .relaxed)
        }
    }
}
