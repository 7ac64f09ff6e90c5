import NIOConcurrencyHelpers
import NIOCore

/// `disable frontend` and `enable frontend`, as haproxy 2.6 does them: a disabled frontend's listening
/// sockets go away (a new connection is refused at once and the port is free) while the connections it
/// has go on being served; `enable frontend` binds the same addresses again. lb adds one thing: on those
/// remaining connections the frontend's monitor URI answers 503, where haproxy would still say 200.
///
/// With a monitor-only frontend, this is the operator's switchover without loss: `disable frontend
/// monitor` fails the keepalived check, the VIP moves while the traffic frontend still serves, and the
/// node can then be stopped (docs/ha.md).
///
/// Both answer with futures completed on the event loops: the runtime API never waits on Swift
/// concurrency's few threads, which callers may be blocking.
extension LoadBalancer {
    func disableFrontend(_ name: String, on eventLoop: EventLoop) -> EventLoopFuture<String> {
        guard let frontend = runtime.frontends.first(where: { $0.plan.name == name }) else {
            return eventLoop.makeSucceededFuture("No such frontend.\n")
        }
        if runtime.stopAnnounced.load(ordering: .relaxed) {
            return eventLoop.makeSucceededFuture("Frontend was previously shut down, cannot disable.\n")
        }
        if let bind = frontend.plan.binds.first(where: { $0.descriptor != nil }) {
            // Closed, an inherited socket could not be had again.
            return eventLoop.makeSucceededFuture("Failed to pause frontend: \(bind) is an inherited socket, which lb cannot bind again.\n")
        }
        guard frontend.paused.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else {
            return eventLoop.makeSucceededFuture("All sockets are already disabled.\n")
        }
        let channels = frontendListeners.withLockedValue { ($0[frontend.index] ?? []).map(\.channel) }
        listeners.withLockedValue { open in open.removeAll { channel in channels.contains { $0 === channel } } }
        gate.unregister(channels)
        return EventLoopFuture.andAllComplete(channels.map { $0.close() }, on: eventLoop).map { "" }
    }

    func enableFrontend(_ name: String, on eventLoop: EventLoop) -> EventLoopFuture<String> {
        guard let frontend = runtime.frontends.first(where: { $0.plan.name == name }) else {
            return eventLoop.makeSucceededFuture("No such frontend.\n")
        }
        if runtime.stopAnnounced.load(ordering: .relaxed) {
            return eventLoop.makeSucceededFuture("Frontend was previously shut down, cannot enable.\n")
        }
        // Claimed while binding, so that a second `enable frontend` meanwhile finds nothing to do.
        guard frontend.paused.load(ordering: .relaxed),
              frontend.resuming.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else {
            return eventLoop.makeSucceededFuture("All sockets are already enabled.\n")
        }
        let previous = frontendListeners.withLockedValue { $0[frontend.index] ?? [] }
        let bound = NIOLockedValueBox<[(listener: FrontendListener, batch: Int)]>([])
        // One socket per bind line and loop, one after the other, each bind on the port it had.
        var binding = eventLoop.makeSucceededVoidFuture()
        for (bindIndex, bind) in frontend.plan.binds.enumerated() {
            let terminator = bindIndex < frontend.terminators.count ? frontend.terminators[bindIndex] : nil
            let port = previous.first { $0.bind == bindIndex }?.port ?? bind.port
            for loop in sessionLoops {
                binding = binding.flatMap {
                    let (channel, batch) = self.listenerBinding(frontend, bind, terminator, port: port, on: loop)
                    return channel.map { channel in
                        bound.withLockedValue { $0.append((FrontendListener(bind: bindIndex, port: port, channel: channel), batch)) }
                    }
                }
            }
        }
        return binding.map {
            let entries = bound.withLockedValue { $0 }
            self.frontendListeners.withLockedValue { $0[frontend.index] = entries.map(\.listener) }
            self.listeners.withLockedValue { $0.append(contentsOf: entries.map(\.listener.channel)) }
            for entry in entries { self.gate.register(entry.listener.channel, frontend: frontend, batch: entry.batch) }
            frontend.paused.store(false, ordering: .relaxed)
            frontend.resuming.store(false, ordering: .relaxed)
            // A stop that began while binding closed the listeners it knew of; these too.
            if self.runtime.stopAnnounced.load(ordering: .relaxed) {
                for entry in entries { entry.listener.channel.close(promise: nil) }
            }
            return ""
        }.flatMapError { error in
            let entries = bound.withLockedValue { $0 }
            frontend.resuming.store(false, ordering: .relaxed)
            return EventLoopFuture.andAllComplete(entries.map { $0.listener.channel.close() }, on: eventLoop)
                .map { "Failed to resume frontend: \(error)\n" }
        }
    }
}
