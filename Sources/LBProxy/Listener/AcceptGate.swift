import Atomics
import NIOConcurrencyHelpers
import NIOCore

/// Enforces `maxconn` (process-wide and per frontend) by pausing accept on the listening sockets: at the
/// limit the listener stops reading, so new connections wait in the kernel's queue instead of being
/// refused or reset, and accepting resumes as soon as a connection closes.
final class AcceptGate: Sendable {
    private let runtime: ProxyRuntime
    private let listeners: NIOLockedValueBox<[(channel: Channel, frontend: FrontendRuntime, paused: Bool)]>
    /// Listeners currently paused, so closes only look for work when there is some.
    private let pausedCount = ManagedAtomic<Int>(0)

    init(runtime: ProxyRuntime) {
        self.runtime = runtime
        self.listeners = NIOLockedValueBox([])
    }

    func register(_ channel: Channel, frontend: FrontendRuntime) {
        listeners.withLockedValue { $0.append((channel, frontend, false)) }
    }

    private func hasRoom(_ frontend: FrontendRuntime) -> Bool {
        frontend.currentConnections.load(ordering: .relaxed) < frontend.maxConnections
            && runtime.currentConnections.load(ordering: .relaxed) < runtime.processMaxConnections
    }

    /// A listener accepted a connection for `frontend`.
    func accepted(_ frontend: FrontendRuntime, child: Channel) {
        frontend.currentConnections.wrappingIncrement(ordering: .relaxed)
        frontend.totalConnections.wrappingIncrement(ordering: .relaxed)
        runtime.currentConnections.wrappingIncrement(ordering: .relaxed)
        runtime.totalConnections.wrappingIncrement(ordering: .relaxed)
        if !hasRoom(frontend) { reevaluate() }
        child.closeFuture.whenComplete { _ in
            frontend.currentConnections.wrappingDecrement(ordering: .relaxed)
            self.runtime.currentConnections.wrappingDecrement(ordering: .relaxed)
            if self.pausedCount.load(ordering: .relaxed) > 0 { self.reevaluate() }
        }
    }

    /// Pauses listeners without room and resumes those that have room again.
    private func reevaluate() {
        listeners.withLockedValue { entries in
            for index in entries.indices {
                let room = hasRoom(entries[index].frontend)
                guard room == entries[index].paused else { continue }
                entries[index].paused = !room
                pausedCount.wrappingIncrement(by: room ? -1 : 1, ordering: .relaxed)
                let channel = entries[index].channel
                channel.eventLoop.execute {
                    channel.setOption(.autoRead, value: room).whenComplete { _ in
                        if room { channel.read() }
                    }
                }
            }
        }
    }
}

/// Sits on a listening channel and reports each accepted connection to the gate before it is set up.
final class AcceptCounter: ChannelInboundHandler {
    typealias InboundIn = Channel
    typealias InboundOut = Channel

    let gate: AcceptGate
    let frontend: FrontendRuntime

    init(gate: AcceptGate, frontend: FrontendRuntime) {
        self.gate = gate
        self.frontend = frontend
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        gate.accepted(frontend, child: unwrapInboundIn(data))
        context.fireChannelRead(data)
    }
}
