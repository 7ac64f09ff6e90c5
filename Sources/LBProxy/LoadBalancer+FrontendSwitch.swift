import NIOCore

/// `disable frontend` and `enable frontend`, as haproxy 2.6 does them: a disabled frontend's listening
/// sockets go away (a new connection is refused at once and the port is free) while the connections it
/// has go on being served; `enable frontend` binds the same addresses again. lb adds one thing: on those
/// remaining connections the frontend's monitor URI answers 503, where haproxy would still say 200.
///
/// With a monitor-only frontend, this is the operator's switchover without loss: `disable frontend
/// monitor` fails the keepalived check, the VIP moves while the traffic frontend still serves, and the
/// node can then be stopped (docs/ha.md).
extension LoadBalancer {
    func disableFrontend(_ name: String) async -> String {
        guard let frontend = runtime.frontends.first(where: { $0.plan.name == name }) else { return "No such frontend.\n" }
        if runtime.stopAnnounced.load(ordering: .relaxed) { return "Frontend was previously shut down, cannot disable.\n" }
        if let bind = frontend.plan.binds.first(where: { $0.descriptor != nil }) {
            // Closed, an inherited socket could not be had again.
            return "Failed to pause frontend: \(bind) is an inherited socket, which lb cannot bind again.\n"
        }
        guard frontend.paused.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else {
            return "All sockets are already disabled.\n"
        }
        let channels = frontendListeners.withLockedValue { ($0[frontend.index] ?? []).map(\.channel) }
        listeners.withLockedValue { open in open.removeAll { channel in channels.contains { $0 === channel } } }
        gate.unregister(channels)
        for channel in channels { try? await channel.close() }
        return ""
    }

    func enableFrontend(_ name: String) async -> String {
        guard let frontend = runtime.frontends.first(where: { $0.plan.name == name }) else { return "No such frontend.\n" }
        if runtime.stopAnnounced.load(ordering: .relaxed) { return "Frontend was previously shut down, cannot enable.\n" }
        let previous = frontendListeners.withLockedValue { $0[frontend.index] ?? [] }
        // Claimed while binding, so that a second `enable frontend` meanwhile finds nothing to do.
        guard frontend.paused.load(ordering: .relaxed), frontend.resuming.compareExchange(
            expected: false, desired: true, ordering: .relaxed).exchanged else {
            return "All sockets are already enabled.\n"
        }
        defer { frontend.resuming.store(false, ordering: .relaxed) }
        var bound: [(listener: FrontendListener, batch: Int)] = []
        do {
            for (bindIndex, bind) in frontend.plan.binds.enumerated() {
                let terminator = bindIndex < frontend.terminators.count ? frontend.terminators[bindIndex] : nil
                var port = previous.first { $0.bind == bindIndex }?.port ?? bind.port
                for loop in group.makeIterator() {
                    let (channel, batch) = try await bindListener(frontend, bind, terminator, port: port, on: loop)
                    port = channel.localAddress?.port ?? port
                    bound.append((FrontendListener(bind: bindIndex, port: port, channel: channel), batch))
                }
            }
        } catch {
            for entry in bound { try? await entry.listener.channel.close() }
            return "Failed to resume frontend: \(error)\n"
        }
        frontendListeners.withLockedValue { $0[frontend.index] = bound.map(\.listener) }
        listeners.withLockedValue { $0.append(contentsOf: bound.map(\.listener.channel)) }
        for entry in bound { gate.register(entry.listener.channel, frontend: frontend, batch: entry.batch) }
        frontend.paused.store(false, ordering: .relaxed)
        // A stop that began while binding closed the listeners it knew of; these too.
        if runtime.stopAnnounced.load(ordering: .relaxed) { await stopListening() }
        return ""
    }
}
