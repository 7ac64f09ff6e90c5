import NIOCore
import NIOPosix

/// A TCP server that echoes bytes back; after a `101 Switching Protocols` handshake when `http` is set.
/// When the client half-closes, it sends "bye" and half-closes too (to test FIN propagation).
final class EchoServer: Sendable {
    let group: MultiThreadedEventLoopGroup
    let channel: Channel
    var port: Int { channel.localAddress!.port! }

    private init(group: MultiThreadedEventLoopGroup, channel: Channel) {
        self.group = group
        self.channel = channel
    }

    static func start(upgradeFirst: Bool = false) async throws -> EchoServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel = try await ServerBootstrap(group: group)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(upgradeFirst: upgradeFirst))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return EchoServer(group: group, channel: channel)
    }

    func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        var waitingForHandshake: Bool
        var received: [UInt8] = []

        init(upgradeFirst: Bool) { waitingForHandshake = upgradeFirst }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            guard waitingForHandshake else {
                context.writeAndFlush(data, promise: nil)
                return
            }
            received += buffer.readableBytesView
            guard let end = find([13, 10, 13, 10], in: received) else { return }
            waitingForHandshake = false
            let answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
            context.write(wrapOutboundOut(context.channel.allocator.buffer(string: answer)), promise: nil)
            let rest = Array(received[(end + 4)...])
            if !rest.isEmpty { context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: rest)), promise: nil) }
            context.flush()
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let event = event as? ChannelEvent, event == .inputClosed {
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: "bye")))
                    .assumeIsolated().whenComplete { _ in context.close(mode: .output, promise: nil) }
            }
        }
    }
}
