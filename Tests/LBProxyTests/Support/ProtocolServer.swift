import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP server speaking the first messages of a protocol from a script: a banner on connect, one reply to
/// each of the first reads, then it closes if told to. The script can change while it runs, to turn
/// a healthy server into a failing one. Records what clients sent.
final class ProtocolServer: Sendable {
    struct Script: Sendable {
        var banner: [UInt8]
        /// The answer to each read, in order.
        var replies: [[UInt8]]
        /// Close once the last reply is written.
        var closeAfterReplies: Bool

        init(banner: [UInt8] = [], reply: [UInt8]? = nil, replies: [[UInt8]] = [], closeAfterReplies: Bool = true) {
            self.banner = banner
            self.replies = (reply.map { [$0] } ?? []) + replies
            self.closeAfterReplies = closeAfterReplies
        }
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
        var answered = 0

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
            let script = script.withLockedValue { $0 }
            guard answered < script.replies.count else { return }
            let write = context.writeAndFlush(NIOAny(context.channel.allocator.buffer(bytes: script.replies[answered])))
            answered += 1
            if answered == script.replies.count, script.closeAfterReplies {
                write.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: Error) {
            context.close(promise: nil)
        }
    }
}
