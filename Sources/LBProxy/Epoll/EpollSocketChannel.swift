import CEpoll
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// A connected TCP socket driven by an `EpollLoop`: a SwiftNIO `Channel` with its own pipeline, so
/// lb's handlers (`HTTPSession`, `UpstreamConnection`) run on it unchanged, but with the state of a
/// connection in this one object and a system call, not a chain of checks, behind each event.
///
/// It keeps SwiftNIO's semantics where lb depends on them: reads happen only after `read()` (the
/// handlers hold reads back for flow control), each burst of reads ends in `channelReadComplete`,
/// `autoRead` asks for the next read through the pipeline, a peer's FIN is `ChannelEvent.inputClosed`
/// with remote half-closure allowed, writes wait for `flush()`, writability follows the write-buffer
/// water marks, and a close fails what was not sent and removes the handlers after the current event.
///
/// Confined to its loop.
final class EpollSocketChannel: Channel, ChannelCore, EpollReadiness, EpollOptionHolder, @unchecked Sendable {
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

    private var cachedLocal: SocketAddress?
    private(set) var remoteAddress: SocketAddress?
    var localAddress: SocketAddress? {
        if let cachedLocal { return cachedLocal }
        cachedLocal = try? localAddress0()
        return cachedLocal
    }

    // Options.
    private var autoRead = true
    private var allowRemoteHalfClosure = false
    private var receiveSizing: any RecvByteBufferAllocator = AdaptiveRecvByteBufferAllocator()
    private var maxMessagesPerRead = 4
    private var waterMark = ChannelOptions.Types.WriteBufferWaterMark(low: 32 * 1024, high: 64 * 1024)

    // State.
    private var open = true
    private(set) var isActive = false
    private(set) var isWritable = true
    private var connecting: EventLoopPromise<Void>?
    private var connectTimer: Scheduled<Void>?
    /// A read was asked for (`read0`) and not yet done.
    private var readWanted = false
    /// The socket may hold bytes: readiness came and no read has since come back short or empty.
    private var readable = false
    /// The peer's FIN was signalled; a read that comes back short must still try once more to see it.
    private var peerClosedSeen = false
    private var inputClosed = false
    private var outputClosed = false
    private var reading = false
    /// Set while a read is owed outside a readiness event (asked for while the socket was readable).
    private var readTaskQueued = false
    /// The socket cannot take more until it says so (`EPOLLOUT`).
    private var sendBlocked = false
    /// `sendPending` is running (further down the stack).
    private var sending = false
    private var pending = PendingWrites()
    /// The buffer reads go into, kept between reads as SwiftNIO keeps it.
    private var receiveBuffer: ByteBuffer?

    /// An accepted socket (or one connected elsewhere): active once registered.
    init(loop: EpollLoop, descriptor: Int32, remoteAddress: SocketAddress?, localAddress: SocketAddress? = nil) {
        self.loop = loop
        self.descriptor = descriptor
        self.remoteAddress = remoteAddress
        self.cachedLocal = localAddress
        self.closePromise = loop.makePromise()
        self._pipeline = ChannelPipeline(channel: self)
    }

    /// A channel on a new non-blocking TCP socket for `address`'s family, with `TCP_NODELAY`; not yet
    /// connected (see `connect(to:timeout:promise:)`).
    static func openTCP(on loop: EpollLoop, to address: SocketAddress) throws -> EpollSocketChannel {
        EpollSocketChannel(loop: loop, descriptor: try EpollSockets.openTCP(for: address), remoteAddress: address)
    }

    /// Registers an accepted socket and makes it active: `channelRegistered`, `channelActive`, then the
    /// first read when `autoRead` is on, as SwiftNIO's accepted channels.
    func activate() throws {
        try loop.register(descriptor, self)
        isActive = true
        pipeline.syncOperations.fireChannelRegistered()
        pipeline.syncOperations.fireChannelActive()
        if autoRead { pipeline.syncOperations.read() }
    }

    // MARK: Readiness

    func epollReady(_ events: UInt32) {
        guard open else { return }
        if let connecting {
            finishConnect(connecting, events)
            return
        }
        if events & EpollEvent.error != 0 {
            // A reset or another error on the socket: it is over, as SwiftNIO's channels treat it.
            var code: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &code, &length)
            let error = IOError(errnoCode: code == 0 ? ECONNRESET : code, reason: "epoll")
            pipeline.syncOperations.fireErrorCaught(error)
            close0(error: error, mode: .all, promise: nil)
            return
        }
        if events & (EpollEvent.input | EpollEvent.peerClosedInput | EpollEvent.hangUp) != 0 {
            readable = true
            if events & (EpollEvent.peerClosedInput | EpollEvent.hangUp) != 0 { peerClosedSeen = true }
            readNow()
            guard open else { return }
        }
        if events & EpollEvent.output != 0, sendBlocked {
            sendBlocked = false
            sendPending()
        }
    }

    func epollLoopStopping() {
        close0(error: EventLoopError.shutdown, mode: .all, promise: nil)
    }

    /// Reads while a read is wanted and the socket may hold bytes: up to `maxMessagesPerRead` reads,
    /// then `channelReadComplete`, and again if the pipeline asked for more.
    private func readNow() {
        guard !reading else { return }
        reading = true
        defer { reading = false }
        while open, readable, readWanted, !inputClosed {
            var delivered = false
            var reads = 0
            while open, readable, reads < maxMessagesPerRead {
                reads += 1
                switch receiveOnce() {
                case .bytes(let buffer):
                    // The read asked for is done once bytes come; a socket found empty (readiness
                    // already used up) leaves it asked for, or nothing would ever read again.
                    readWanted = false
                    delivered = true
                    pipeline.syncOperations.fireChannelRead(NIOAny(buffer))
                case .wouldBlock:
                    readable = false
                case .end:
                    readable = false
                    if delivered { pipeline.syncOperations.fireChannelReadComplete() }
                    endOfInput()
                    return
                case .failed(let error):
                    readable = false
                    if delivered { pipeline.syncOperations.fireChannelReadComplete() }
                    pipeline.syncOperations.fireErrorCaught(error)
                    close0(error: error, mode: .all, promise: nil)
                    return
                }
            }
            guard delivered else { continue }
            pipeline.syncOperations.fireChannelReadComplete()
            if open, autoRead { pipeline.syncOperations.read() }
        }
    }

    private enum Received {
        case bytes(ByteBuffer)
        case wouldBlock
        case end
        case failed(IOError)
    }

    private func receiveOnce() -> Received {
        var buffer = receiveBuffer ?? allocator.buffer(capacity: 0)
        receiveBuffer = nil
        buffer.clear()
        let size = receiveSizing.nextBufferSize() ?? 2048
        if buffer.capacity < size || buffer.capacity > size * 4 {
            buffer = allocator.buffer(capacity: size)
        }
        var failure: Int32 = 0
        let count = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 0) { space -> Int in
            var count: Int
            repeat {
                count = Glibc.recv(descriptor, space.baseAddress, space.count, 0)
            } while count < 0 && errno == EINTR
            if count > 0 { return count }
            failure = count == 0 ? 0 : errno
            return 0
        }
        receiveBuffer = buffer
        guard count > 0 else {
            switch failure {
            case 0: return .end
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed(IOError(errnoCode: failure, reason: "recv"))
            }
        }
        _ = receiveSizing.record(actualReadBytes: count)
        // A short read emptied the socket; without a FIN pending, the next bytes bring a new edge.
        if count < buffer.capacity, !peerClosedSeen { readable = false }
        return .bytes(buffer)
    }

    private func endOfInput() {
        inputClosed = true
        if allowRemoteHalfClosure {
            pipeline.syncOperations.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        } else {
            close0(error: ChannelError.eof, mode: .all, promise: nil)
        }
    }

    // MARK: ChannelCore

    func localAddress0() throws -> SocketAddress {
        // Once closed, the number may be another socket's.
        guard open else { throw ChannelError.ioOnClosedChannel }
        return try EpollSockets.localAddress(of: descriptor)
    }

    func remoteAddress0() throws -> SocketAddress {
        guard let remoteAddress else { throw ChannelError.operationUnsupported }
        return remoteAddress
    }

    func register0(promise: EventLoopPromise<Void>?) { promise?.succeed(()) }
    func registerAlreadyConfigured0(promise: EventLoopPromise<Void>?) { promise?.succeed(()) }
    func bind0(to: SocketAddress, promise: EventLoopPromise<Void>?) { promise?.fail(ChannelError.operationUnsupported) }

    /// Starts a non-blocking connect; the promise completes when the socket is writable (connected) or
    /// reports an error, or fails with `connectTimeout` after `timeout`.
    func connect(to address: SocketAddress, timeout: TimeAmount, promise: EventLoopPromise<Void>) {
        // Closed while being set up (a handler gave up on it): the number may be another socket's now.
        guard open else {
            promise.fail(ChannelError.ioOnClosedChannel)
            return
        }
        let result = address.withSockAddr { Glibc.connect(descriptor, $0, socklen_t($1)) }
        if result != 0, errno != EINPROGRESS {
            let error = IOError(errnoCode: errno, reason: "connect")
            promise.fail(error)
            close0(error: error, mode: .all, promise: nil)
            return
        }
        connecting = promise
        do {
            try loop.register(descriptor, self)
        } catch {
            connecting = nil
            promise.fail(error)
            close0(error: error, mode: .all, promise: nil)
            return
        }
        connectTimer = loop.scheduleTask(in: timeout) { [self] in
            guard let connecting = self.connecting else { return }
            self.connecting = nil
            let error = ChannelError.connectTimeout(timeout)
            connecting.fail(error)
            self.close0(error: error, mode: .all, promise: nil)
        }
    }

    private func finishConnect(_ promise: EventLoopPromise<Void>, _ events: UInt32) {
        guard events & (EpollEvent.output | EpollEvent.error | EpollEvent.hangUp) != 0 else { return }
        connecting = nil
        connectTimer?.cancel()
        connectTimer = nil
        if events & (EpollEvent.error | EpollEvent.hangUp) != 0 {
            var code: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &code, &length)
            let error = IOError(errnoCode: code == 0 ? ECONNREFUSED : code, reason: "connect")
            promise.fail(error)
            close0(error: error, mode: .all, promise: nil)
            return
        }
        isActive = true
        pipeline.syncOperations.fireChannelActive()
        promise.succeed(())
        // Readiness for reading that came with the connect's completion is not lost: edge-triggered
        // epoll reported it in this same event, so look now.
        if open, events & EpollEvent.input != 0 { readable = true }
        if open, autoRead { pipeline.syncOperations.read() }
    }

    func connect0(to: SocketAddress, promise: EventLoopPromise<Void>?) { promise?.fail(ChannelError.operationUnsupported) }

    func write0(_ data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard open, !outputClosed else {
            promise?.fail(outputClosed ? ChannelError.outputClosed : ChannelError.ioOnClosedChannel)
            return
        }
        let buffer = unwrapData(data, as: ByteBuffer.self)
        pending.append(buffer, promise)
        if isWritable, pending.bytes > waterMark.high {
            isWritable = false
            pipeline.syncOperations.fireChannelWritabilityChanged()
        }
    }

    func flush0() {
        guard open else { return }
        pending.markFlushed()
        if !sendBlocked { sendPending() }
    }

    func read0() {
        guard open, !inputClosed else { return }
        readWanted = true
        guard readable, !reading, !readTaskQueued else { return }
        // The socket holds bytes whose readiness was already reported: read them after this event.
        readTaskQueued = true
        loop.executeOnLoop { [self] in
            readTaskQueued = false
            readNow()
        }
    }

    func close0(error: Error, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard open else {
            promise?.fail(ChannelError.alreadyClosed)
            return
        }
        switch mode {
        case .output:
            guard !outputClosed else {
                promise?.fail(ChannelError.outputClosed)
                return
            }
            outputClosed = true
            if pending.isEmpty {
                _ = Glibc.shutdown(descriptor, Int32(SHUT_WR))
            } else {
                pending.shutdownWhenSent = true
            }
            promise?.succeed(())
            pipeline.syncOperations.fireUserInboundEventTriggered(ChannelEvent.outputClosed)
        case .input:
            promise?.fail(ChannelError.operationUnsupported)
        case .all:
            open = false
            let wasActive = isActive
            isActive = false
            connectTimer?.cancel()
            connectTimer = nil
            if let connecting {
                self.connecting = nil
                connecting.fail(error)
            }
            loop.close(descriptor)
            let unsent = pending.removeAll()
            receiveBuffer = nil
            for write in unsent { write.fail(ChannelError.ioOnClosedChannel) }
            promise?.succeed(())
            EpollSockets.finishClose(self, on: loop, wasActive: wasActive, closePromise: closePromise)
        }
    }

    func triggerUserOutboundEvent0(_ event: Any, promise: EventLoopPromise<Void>?) {
        promise?.fail(ChannelError.operationUnsupported)
    }

    func channelRead0(_ data: NIOAny) {}
    func errorCaught0(error: Error) {}

    // MARK: Sending

    /// Sends what was flushed, until everything is sent or the socket is full. A write or flush made
    /// while this runs (by a sent write's promise, or by a handler told the channel is writable again) is
    /// sent by this same call, not by a nested one.
    private func sendPending() {
        guard !sending else { return }
        sending = true
        defer { sending = false }
        var sent: [EventLoopPromise<Void>] = []
        repeat {
            while open, pending.hasFlushed {
                let result = pending.send(to: descriptor, sent: &sent)
                if !sent.isEmpty {
                    let completed = sent
                    sent.removeAll()
                    for write in completed { write.succeed(()) }
                }
                switch result {
                case .sentAll:
                    continue
                case .wouldBlock:
                    sendBlocked = true
                    return
                case .failed(let error):
                    pipeline.syncOperations.fireErrorCaught(error)
                    close0(error: error, mode: .all, promise: nil)
                    return
                }
            }
            if open, pending.isEmpty, pending.shutdownWhenSent {
                pending.shutdownWhenSent = false
                _ = Glibc.shutdown(descriptor, Int32(SHUT_WR))
            }
            if open, !isWritable, pending.bytes < waterMark.low {
                isWritable = true
                pipeline.syncOperations.fireChannelWritabilityChanged()
            }
        } while open && pending.hasFlushed
    }

    // MARK: Options

    func setOption<Option: ChannelOption>(_ option: Option, value: Option.Value) -> EventLoopFuture<Void> {
        guard loop.inEventLoop else { return loop.submit { try self.setOption0(option, value: value) } }
        do {
            try setOption0(option, value: value)
            return loop.makeSucceededVoidFuture()
        } catch {
            return loop.makeFailedFuture(error)
        }
    }

    func getOption<Option: ChannelOption>(_ option: Option) -> EventLoopFuture<Option.Value> {
        guard loop.inEventLoop else { return loop.submit { try self.getOption0(option) } }
        do {
            return loop.makeSucceededFuture(try getOption0(option))
        } catch {
            return loop.makeFailedFuture(error)
        }
    }

    func setOption0<Option: ChannelOption>(_ option: Option, value: Option.Value) throws {
        switch option {
        case is ChannelOptions.Types.AutoReadOption:
            autoRead = value as! Bool
            if autoRead { read0() }
        case is ChannelOptions.Types.AllowRemoteHalfClosureOption:
            allowRemoteHalfClosure = value as! Bool
        case is ChannelOptions.Types.RecvAllocatorOption:
            receiveSizing = value as! RecvByteBufferAllocator
        case is ChannelOptions.Types.MaxMessagesPerReadOption:
            maxMessagesPerRead = max(1, Int(value as! UInt))
        case is ChannelOptions.Types.WriteBufferWaterMarkOption:
            waterMark = value as! ChannelOptions.Types.WriteBufferWaterMark
        case let socketOption as ChannelOptions.Types.SocketOption:
            guard open else { throw ChannelError.ioOnClosedChannel }
            var raw = Int32(truncatingIfNeeded: value as! SocketOptionValue)
            guard setsockopt(descriptor, Int32(truncatingIfNeeded: socketOption.level), Int32(truncatingIfNeeded: socketOption.name), &raw, socklen_t(MemoryLayout<Int32>.size)) == 0
            else { throw IOError(errnoCode: errno, reason: "setsockopt") }
        default:
            throw ChannelError.operationUnsupported
        }
    }

    func getOption0<Option: ChannelOption>(_ option: Option) throws -> Option.Value {
        switch option {
        case is ChannelOptions.Types.AutoReadOption: return autoRead as! Option.Value
        case is ChannelOptions.Types.AllowRemoteHalfClosureOption: return allowRemoteHalfClosure as! Option.Value
        case is ChannelOptions.Types.BufferedWritableBytesOption: return pending.bytes as! Option.Value
        case is ChannelOptions.Types.MaxMessagesPerReadOption: return UInt(maxMessagesPerRead) as! Option.Value
        case is ChannelOptions.Types.WriteBufferWaterMarkOption: return waterMark as! Option.Value
        case is ChannelOptions.Types.RecvAllocatorOption: return receiveSizing as! Option.Value
        case let socketOption as ChannelOptions.Types.SocketOption:
            guard open else { throw ChannelError.ioOnClosedChannel }
            var raw: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(descriptor, Int32(truncatingIfNeeded: socketOption.level), Int32(truncatingIfNeeded: socketOption.name),
                             &raw, &length) == 0
            else { throw IOError(errnoCode: errno, reason: "getsockopt") }
            return SocketOptionValue(raw) as! Option.Value
        default: throw ChannelError.operationUnsupported
        }
    }

}
