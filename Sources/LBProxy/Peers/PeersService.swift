import LBConfig
import LBCore
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// A `peers` section running: the local peer's listener, the sessions to the other peers, and a
/// periodic task that pushes the shared tables' changes. Everything runs on one event loop.
final class PeersService: Sendable {
    /// How often local changes are looked for and pushed; also the granularity of heartbeats and
    /// reconnections.
    static let tickInterval = TimeAmount.milliseconds(50)

    let section: PeersSection
    let loop: EventLoop
    let state: NIOLoopBoundBox<PeersState>
    private let listener = NIOLockedValueBox<Channel?>(nil)
    private let task = NIOLockedValueBox<RepeatedTask?>(nil)

    init(section: PeersSection, tables: [SharedTable], loop: EventLoop) {
        self.section = section
        self.loop = loop
        state = NIOLoopBoundBox.makeBoxSendingValue(PeersState(section: section, tables: tables, loop: loop, pid: getpid()),
                                                    eventLoop: loop)
    }

    func start() async throws {
        guard let address = section.listenAddress else { return }
        let state = self.state
        let bootstrap = ServerBootstrap(group: loop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // A new lb started with `-sf` listens on the same peers address while the old one still does.
            .serverChannelOption(ChannelOptions.Types.SocketOption(level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_REUSEPORT)),
                                 value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(PeerConnection(state: state.value, dialling: nil))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: address.host ?? "0.0.0.0", port: address.port).get()
            listener.withLockedValue { $0 = channel }
        } catch {
            throw StartupError(message: "\(section.location): peers '\(section.name)': cannot listen on \(address.host ?? "*"):\(address.port): \(error)")
        }
        let loop = self.loop
        try await loop.submit {
            state.value.dial = { remote in Self.dial(remote, state: state, loop: loop) }
        }.get()
        let repeated = loop.scheduleRepeatedTask(initialDelay: .zero, delay: Self.tickInterval) { _ in state.value.tick() }
        task.withLockedValue { $0 = repeated }
    }

    /// Connects to `remote`; its session is in place from now on, so that no second dial starts.
    private static func dial(_ remote: RemotePeer, state: NIOLoopBoundBox<PeersState>, loop: EventLoop) {
        guard let address = remote.address else { return }
        let connection = PeerConnection(state: state.value, dialling: remote)
        remote.connection = connection
        let handler = NIOLoopBound(connection, eventLoop: loop)
        let peer = NIOLoopBound(remote, eventLoop: loop)
        let connected = ClientBootstrap(group: loop)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler.value) }
            }
            .connect(to: address)
        connected.whenFailure { _ in
            if peer.value.connection === handler.value { peer.value.connection = nil }
        }
    }

    func stop() async {
        task.withLockedValue { $0 }?.cancel()
        let state = self.state
        try? await loop.submit { state.value.stop() }.get()
        try? await listener.withLockedValue { $0 }?.close()
    }
}
