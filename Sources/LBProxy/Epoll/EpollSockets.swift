import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// What lb's epoll channels do with a descriptor that is not a readiness or a byte: open one, ask its
/// address, end the channel once it is closed.
enum EpollSockets {
    /// A new non-blocking, close-on-exec TCP socket for `address`'s family, with `TCP_NODELAY`.
    static func openTCP(for address: SocketAddress) throws -> Int32 {
        let family: Int32 = switch address { case .v6: AF_INET6; default: AF_INET }
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        var one: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return descriptor
    }

    /// The local address of `descriptor` (`getsockname`).
    static func localAddress(of descriptor: Int32) throws -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0 else { throw IOError(errnoCode: errno, reason: "getsockname") }
        guard let address = SocketAddress(storage: storage) else { throw ChannelError.operationUnsupported }
        return address
    }

    /// The end of a channel whose descriptor was just closed, as SwiftNIO's channels end: `channelInactive`
    /// (if it was active) and `channelUnregistered` now, then, after the current event (handlers may still
    /// be walking the pipeline), the handlers removed and the close future completed.
    static func finishClose(_ channel: some Channel & ChannelCore, on loop: EpollLoop, wasActive: Bool,
                            closePromise: EventLoopPromise<Void>) {
        if wasActive { channel.pipeline.syncOperations.fireChannelInactive() }
        channel.pipeline.syncOperations.fireChannelUnregistered()
        loop.executeOnLoop {
            channel.removeHandlers(pipeline: channel.pipeline)
            closePromise.succeed(())
        }
    }
}
