import CEpoll
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// A listening TCP socket on an `EpollLoop`, as a SwiftNIO `Channel` so that the accept gate, `disable
/// frontend`, stopping and reloading handle it as they handle SwiftNIO's listeners: `autoRead` off
/// stops accepting (the socket leaves the epoll set, connections wait in the kernel's queue),
/// `read()` starts again, `maxMessagesPerRead` is the accept batch, `close()` closes it.
///
/// Each accepted connection becomes an `EpollSocketChannel` on the next loop of `childLoops` in turn,
/// is handed to `initializeChild` there (which builds its pipeline), and is then registered.
final class EpollServerChannel: Channel, ChannelCore, EpollReadiness, EpollOptionHolder, @unchecked Sendable {
    typealias ChildInitializer = @Sendable (EpollSocketChannel) throws -> Void

    let loop: EpollLoop
    let descriptor: Int32
    var eventLoop: EventLoop { loop }
    let allocator = ByteBufferAllocator()
    private var _pipeline: ChannelPipeline!
    var pipeline: ChannelPipeline { _pipeline }
    private let closePromise: EventLoopPromise<Void>
    var closeFuture: EventLoopFuture<Void> { closePromise.futureResult }
    var parent: Channel? { nil }
    var _channelCore: ChannelCore { self }
    var syncOptions: NIOSynchronousChannelOptions? { EpollSynchronousOptions(channel: self) }
    let localAddress: SocketAddress?
    var remoteAddress: SocketAddress? { nil }
    var isWritable: Bool { false }
    var isActive: Bool { open }

    /// The local address of every connection it accepts, when it listens on one address: then asking
    /// the kernel for it (`getsockname`) would be a system call per connection for a known answer.
    private let childLocalAddress: SocketAddress?
    private let childLoops: [EpollLoop]
    private var nextChild = 0
    private let initializeChild: ChildInitializer
    private var autoRead: Bool
    private var batch: Int
    private var open = true
    /// In the loop's epoll set, so pending connections are reported.
    private var watching = false

    private init(loop: EpollLoop, descriptor: Int32, childLoops: [EpollLoop], batch: Int, autoRead: Bool,
                 initializeChild: @escaping ChildInitializer) {
        self.loop = loop
        self.descriptor = descriptor
        self.childLoops = childLoops.isEmpty ? [loop] : childLoops
        self.batch = max(1, batch)
        self.autoRead = autoRead
        self.initializeChild = initializeChild
        self.closePromise = loop.makePromise()
        let localAddress = try? EpollSockets.localAddress(of: descriptor)
        self.localAddress = localAddress
        self.childLocalAddress = localAddress.flatMap { $0.isUnspecified ? nil : $0 }
        self._pipeline = ChannelPipeline(channel: self)
    }

    /// Binds a new listening socket on `address` (with `SO_REUSEADDR` and `SO_REUSEPORT`, so that one
    /// socket per loop, and a reloading process's sockets, share the address) and starts accepting.
    /// `TCP_NODELAY` is set here once: accepted sockets inherit it.
    static func bind(
        to address: SocketAddress, backlog: Int32, on loop: EpollLoop, batch: Int,
        initializeChild: @escaping ChildInitializer
    ) -> EventLoopFuture<Channel> {
        loop.submit {
            let descriptor = try EpollSockets.openTCP(for: address)
            var one: Int32 = 1
            let size = socklen_t(MemoryLayout<Int32>.size)
            _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, size)
            _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEPORT, &one, size)
            let bound = address.withSockAddr { Glibc.bind(descriptor, $0, socklen_t($1)) }
            guard bound == 0, listen(descriptor, backlog) == 0 else {
                let code = errno
                _ = Glibc.close(descriptor)
                throw IOError(errnoCode: code, reason: bound == 0 ? "listen" : "bind(descriptor:ptr:bytes:)")
            }
            let channel = EpollServerChannel(loop: loop, descriptor: descriptor, childLoops: [loop], batch: batch,
                                             autoRead: true, initializeChild: initializeChild)
            try channel.startWatching()
            return channel as Channel
        }
    }

    /// Serves a socket lb inherited (`fd@N`), bound and usually listening already, made non-blocking and
    /// listening (as SwiftNIO does with an adopted socket); its connections go to `childLoops` in turn.
    /// With `autoRead` off it accepts nothing until turned on and `read()`.
    static func adopt(
        _ descriptor: Int32, on loop: EpollLoop, childLoops: [EpollLoop], batch: Int, autoRead: Bool, backlog: Int32,
        initializeChild: @escaping ChildInitializer
    ) -> EventLoopFuture<Channel> {
        loop.submit {
            let flags = fcntl(descriptor, F_GETFL)
            guard flags >= 0, fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0 else {
                throw IOError(errnoCode: errno, reason: "fcntl")
            }
            guard listen(descriptor, backlog) == 0 else { throw IOError(errnoCode: errno, reason: "listen") }
            let channel = EpollServerChannel(loop: loop, descriptor: descriptor, childLoops: childLoops, batch: batch,
                                             autoRead: autoRead, initializeChild: initializeChild)
            if autoRead { try channel.startWatching() }
            return channel as Channel
        }
    }

    private func startWatching() throws {
        guard open, !watching else { return }
        try loop.registerListener(descriptor, self)
        watching = true
    }

    private func stopWatching() {
        guard watching else { return }
        watching = false
        loop.unregister(descriptor)
    }

    // MARK: Accepting

    func epollLoopStopping() {
        close0(error: EventLoopError.shutdown, mode: .all, promise: nil)
    }

    func epollReady(_ events: UInt32) {
        var accepted = 0
        while open, accepted < batch {
            var storage = sockaddr_storage()
            var length = UInt32(MemoryLayout<sockaddr_storage>.size)
            let child = lb_accept(descriptor, &storage, &length)
            guard child >= 0 else {
                // Out of descriptors or memory: the queue stays readable, and a level-triggered
                // listener would be reported again at once. Pause as SwiftNIO's accept back-off does.
                if [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(-child) { backOff() }
                // EAGAIN: the queue is empty; anything else (a connection reset while queued) ends
                // this batch, and the next readiness tries again.
                break
            }
            accepted += 1
            hand(child, remote: SocketAddress(storage: storage))
        }
        if !autoRead { stopWatching() }
    }

    /// Stops accepting for a second, then resumes unless accepting was turned off meanwhile.
    private func backOff() {
        stopWatching()
        loop.executeAfter(.seconds(1)) { [self] in
            if open, autoRead { read0() }
        }
    }

    private func hand(_ descriptor: Int32, remote: SocketAddress?) {
        let target = childLoops[nextChild]
        nextChild = (nextChild + 1) % childLoops.count
        let initializeChild = self.initializeChild, local = childLocalAddress
        if target === loop {
            Self.start(descriptor, remote: remote, local: local, on: target, initializeChild)
        } else {
            let handed = target.tryExecute { Self.start(descriptor, remote: remote, local: local, on: target, initializeChild) }
            // That loop has ended (lb is stopping): the connection closes rather than leaks.
            if !handed { _ = Glibc.close(descriptor) }
        }
    }

    private static func start(_ descriptor: Int32, remote: SocketAddress?, local: SocketAddress?, on loop: EpollLoop,
                              _ initializeChild: ChildInitializer) {
        let channel = EpollSocketChannel(loop: loop, descriptor: descriptor, remoteAddress: remote, localAddress: local)
        do {
            try initializeChild(channel)
            try channel.activate()
        } catch {
            channel.close(promise: nil)
        }
    }

    // MARK: ChannelCore

    func localAddress0() throws -> SocketAddress {
        guard let localAddress else { throw ChannelError.operationUnsupported }
        return localAddress
    }
    func remoteAddress0() throws -> SocketAddress { throw ChannelError.operationUnsupported }
    func register0(promise: EventLoopPromise<Void>?) { promise?.succeed(()) }
    func registerAlreadyConfigured0(promise: EventLoopPromise<Void>?) { promise?.succeed(()) }
    func bind0(to: SocketAddress, promise: EventLoopPromise<Void>?) { promise?.fail(ChannelError.operationUnsupported) }
    func connect0(to: SocketAddress, promise: EventLoopPromise<Void>?) { promise?.fail(ChannelError.operationUnsupported) }
    func write0(_ data: NIOAny, promise: EventLoopPromise<Void>?) { promise?.fail(ChannelError.operationUnsupported) }
    func flush0() {}

    func read0() {
        do {
            try startWatching()
        } catch {
            pipeline.syncOperations.fireErrorCaught(error)
        }
    }

    func close0(error: Error, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard open else {
            promise?.fail(ChannelError.alreadyClosed)
            return
        }
        guard mode == .all else {
            promise?.fail(ChannelError.operationUnsupported)
            return
        }
        open = false
        watching = false
        loop.close(descriptor)
        promise?.succeed(())
        EpollSockets.finishClose(self, on: loop, wasActive: true, closePromise: closePromise)
    }

    func triggerUserOutboundEvent0(_ event: Any, promise: EventLoopPromise<Void>?) {
        promise?.fail(ChannelError.operationUnsupported)
    }
    func channelRead0(_ data: NIOAny) {}
    func errorCaught0(error: Error) {}

    // MARK: Options

    func setOption<Option: ChannelOption>(_ option: Option, value: Option.Value) -> EventLoopFuture<Void> {
        loop.submit { try self.setOption0(option, value: value) }
    }

    func getOption<Option: ChannelOption>(_ option: Option) -> EventLoopFuture<Option.Value> {
        loop.submit { try self.getOption0(option) }
    }

    func setOption0<Option: ChannelOption>(_ option: Option, value: Option.Value) throws {
        switch option {
        case is ChannelOptions.Types.AutoReadOption:
            let wasOn = autoRead
            autoRead = value as! Bool
            if autoRead, !wasOn { read0() } else if !autoRead { stopWatching() }
        case is ChannelOptions.Types.MaxMessagesPerReadOption:
            batch = max(1, Int(value as! UInt))
        default:
            throw ChannelError.operationUnsupported
        }
    }

    func getOption0<Option: ChannelOption>(_ option: Option) throws -> Option.Value {
        switch option {
        case is ChannelOptions.Types.AutoReadOption: return autoRead as! Option.Value
        case is ChannelOptions.Types.MaxMessagesPerReadOption: return UInt(batch) as! Option.Value
        default: throw ChannelError.operationUnsupported
        }
    }

}
