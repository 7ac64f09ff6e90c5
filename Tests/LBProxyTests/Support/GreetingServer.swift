import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP server that greets each connection with its name and a line end, then keeps the bytes it
/// receives (to see what lb relayed) until the client closes.
final class GreetingServer: Sendable {
    let name: String
    let group: MultiThreadedEventLoopGroup
    let channel: Channel
    private let receivedBox: NIOLockedValueBox<[[UInt8]]>
    var port: Int { channel.localAddress!.port! }
    /// What each connection sent so far, in the order connections were accepted.
    var received: [[UInt8]] { receivedBox.withLockedValue { $0 } }

    private init(name: String, group: MultiThreadedEventLoopGroup, channel: Channel, received: NIOLockedValueBox<[[UInt8]]>) {
        self.name = name
        self.group = group
        self.channel = channel
        self.receivedBox = received
    }

    static func start(name: String) async throws -> GreetingServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let received = NIOLockedValueBox<[[UInt8]]>([])
        let channel = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(name: name, received: received))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return GreetingServer(name: name, group: group, channel: channel, received: received)
    }

    func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let name: String
        let received: NIOLockedValueBox<[[UInt8]]>
        var slot = -1

        init(name: String, received: NIOLockedValueBox<[[UInt8]]>) {
            self.name = name
            self.received = received
        }

        func channelActive(context: ChannelHandlerContext) {
            slot = received.withLockedValue { $0.append([]); return $0.count - 1 }
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: name + "\n")), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = Array(unwrapInboundIn(data).readableBytesView)
            received.withLockedValue { $0[slot] += bytes }
        }
    }
}
