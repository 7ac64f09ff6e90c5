import Atomics
import NIOConcurrencyHelpers
import NIOCore

/// Enforces `maxconn` (process-wide and per frontend) on the listening sockets, without refusing anyone:
/// at the limit a listener stops reading, so new connections wait in the kernel's queue instead of being
/// refused or reset, and accepting resumes as soon as a connection closes.
///
/// A listener accepts up to `batch` connections per wake-up: one `epoll_wait` for many accepts matters
/// when clients open a connection per request. Close to a limit the batch shrinks to the room left,
/// shared among the frontend's listeners (one per event loop and address), so bursts do not take a
/// frontend past its limit: each burst reads its size when it starts, and sizes are set again after
/// every accept that leaves less room than a full batch. With one listener the limit is exact. Several
/// listeners, of one frontend or of several sharing the process limit, may each be in a burst at once;
/// together they can pass it by at most what those bursts had left, which is one connection per
/// listener of a frontend at its own limit.
final class AcceptGate: Sendable {
    /// Connections accepted per wake-up when there is room.
    static let batch = 16

    private let runtime: ProxyRuntime
    private let listeners: NIOLockedValueBox<[(channel: Channel, frontend: FrontendRuntime, batch: Int)]>
    /// Listeners accepting fewer than a full batch (or paused), so closes only look for work when there is some.
    private let throttledCount = ManagedAtomic<Int>(0)

    init(runtime: ProxyRuntime) {
        self.runtime = runtime
        self.listeners = NIOLockedValueBox([])
    }

    /// The batch a new listener of `frontend` starts with (its `maxMessagesPerRead` when bound), when the
    /// frontend will have `listeners` listening sockets.
    func initialBatch(_ frontend: FrontendRuntime, listeners: Int) -> Int {
        max(1, min(Self.batch, room(frontend) / max(1, listeners)))
    }

    func register(_ channel: Channel, frontend: FrontendRuntime, batch: Int) {
        if batch < Self.batch { throttledCount.wrappingIncrement(ordering: .relaxed) }
        listeners.withLockedValue { $0.append((channel, frontend, batch)) }
        // Connections may have come and gone between the bind and now.
        reevaluate()
    }

    /// Forgets listeners about to close (`disable frontend`), so that they neither count among their
    /// frontend's listeners nor get resumed.
    func unregister(_ channels: [Channel]) {
        listeners.withLockedValue { entries in
            for entry in entries where entry.batch < Self.batch && channels.contains(where: { $0 === entry.channel }) {
                throttledCount.wrappingDecrement(ordering: .relaxed)
            }
            entries.removeAll { entry in channels.contains { $0 === entry.channel } }
        }
    }

    /// How many more connections the frontend may take now.
    private func room(_ frontend: FrontendRuntime) -> Int {
        min(frontend.maxConnections - frontend.currentConnections.load(ordering: .relaxed),
            runtime.processMaxConnections - runtime.currentConnections.load(ordering: .relaxed))
    }

    /// A listener accepted a connection for `frontend`.
    func accepted(_ frontend: FrontendRuntime, child: Channel) {
        frontend.currentConnections.wrappingIncrement(ordering: .relaxed)
        frontend.totalConnections.wrappingIncrement(ordering: .relaxed)
        runtime.currentConnections.wrappingIncrement(ordering: .relaxed)
        runtime.totalConnections.wrappingIncrement(ordering: .relaxed)
        if room(frontend) < Self.batch { reevaluate() }
        child.closeFuture.whenComplete { _ in
            frontend.currentConnections.wrappingDecrement(ordering: .relaxed)
            self.runtime.currentConnections.wrappingDecrement(ordering: .relaxed)
            if self.throttledCount.load(ordering: .relaxed) > 0 { self.reevaluate() }
        }
    }

    /// Sets each listener's batch to the room its frontend has left (a full batch at most), pausing the
    /// listeners without room and resuming those that have room again.
    private func reevaluate() {
        listeners.withLockedValue { entries in
            for index in entries.indices {
                let frontend = entries[index].frontend
                let room = room(frontend)
                let sharing = entries.reduce(0) { $0 + ($1.frontend === frontend ? 1 : 0) }
                let batch = room <= 0 ? 0 : max(1, min(Self.batch, room / sharing))
                let previous = entries[index].batch
                guard batch != previous else { continue }
                entries[index].batch = batch
                if (previous == Self.batch) != (batch == Self.batch) {
                    throttledCount.wrappingIncrement(by: batch == Self.batch ? -1 : 1, ordering: .relaxed)
                }
                let channel = entries[index].channel
                let resume = previous == 0
                channel.eventLoop.execute {
                    guard let options = channel.syncOptions else { return }
                    if batch > 0 { try? options.setOption(.maxMessagesPerRead, value: UInt(batch)) }
                    try? options.setOption(.autoRead, value: batch > 0)
                    if batch > 0 && resume { channel.read() }
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
