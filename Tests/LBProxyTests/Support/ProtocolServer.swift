import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP server speaking the first message of a protocol from a script: a banner on connect, one reply to
/// the first bytes a client sends, then it closes if told to. The script can change while it runs, to turn
/// a healthy server into a failing one. Records what clients sent.
final class ProtocolServer: Sendable {
    struct Script: Sendable {
        var banner: [UInt8] = []
        var reply: [UInt8] = []
        var closeAfterReply = true
    }

    let group: MultiThreadedEventLoopGroup
    let channel: Channel
    let script: NIOLockedValueBox<Script>
    let received: NIOLockedValueBox<[[UInt8]]>
    var port: Int { channel.localAddress!.port! }

    private init(group: MultiThreadedEventLoopGroup, channel: Channel, script: NIOLockedValueBox<Script>,
                 received: NIOLockedValueBox<[[UInt8]]>) {
        self.group = group
        self.channel = channel
        self.script = script
        self.received = received
    }

    static func start(_ script: Script) async throws -> ProtocolServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let box = NIOLockedValueBox(script)
        let received = NIOLockedValueBox<[[UInt8]]>([])
        let channel = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(script: box, received: received))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ProtocolServer(group: group, channel: channel, script: box, received: received)
    }

    func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let script: NIOLockedValueBox<Script>
        let received: NIOLockedValueBox<[[UInt8]]>
        var answered = false

        init(script: NIOLockedValueBox<Script>, received: NIOLockedValueBox<[[UInt8]]>) {
            self.script = script
            self.received = received
        }

        func channelActive(context: ChannelHandlerContext) {
            let banner = script.withLockedValue { $0.banner }
            if !banner.isEmpty { context.writeAndFlush(NIOAny(context.channel.allocator.buffer(bytes: banner)), promise: nil) }
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = Array(unwrapInboundIn(data).readableBytesView)
            received.withLockedValue { $0.append(bytes) }
            guard !answered else { return }
            answered = true
            let script = script.withLockedValue { $0 }
            let write = context.writeAndFlush(NIOAny(context.channel.allocator.buffer(bytes: script.reply)))
            if script.closeAfterReply { write.assumeIsolated().whenComplete { _ in context.close(promise: nil) } }
        }

        func errorCaught(context: ChannelHandlerContext, error: Error) {
            context.close(promise: nil)
        }
    }
}
