import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A scripted `agent-check` agent on loopback: each connection is answered with the current `answer`
/// and closed; what the checker sent first is kept in `received`.
final class TestAgent: Sendable {
    let group: MultiThreadedEventLoopGroup
    let channel: Channel
    let answer: NIOLockedValueBox<String>
    let received = NIOLockedValueBox<[String]>([])
    /// Connections taken so far.
    let connections = NIOLockedValueBox(0)
    var port: Int { channel.localAddress!.port! }

    init(answer: String, waitForBytes: Bool = false) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let answer = NIOLockedValueBox(answer)
        let received = self.received, connections = self.connections
        self.group = group
        self.answer = answer
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    connections.withLockedValue { $0 += 1 }
                    try channel.pipeline.syncOperations.addHandler(
                        Handler(answer: answer, received: received, waitForBytes: waitForBytes))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func set(_ text: String) { answer.withLockedValue { $0 = text } }

    func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let answer: NIOLockedValueBox<String>
        let received: NIOLockedValueBox<[String]>
        let waitForBytes: Bool

        init(answer: NIOLockedValueBox<String>, received: NIOLockedValueBox<[String]>, waitForBytes: Bool) {
            self.answer = answer
            self.received = received
            self.waitForBytes = waitForBytes
        }

        func channelActive(context: ChannelHandlerContext) {
            if !waitForBytes { reply(context) }
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let text = String(buffer: unwrapInboundIn(data))
            received.withLockedValue { $0.append(text) }
            if waitForBytes { reply(context) }
        }

        private func reply(_ context: ChannelHandlerContext) {
            let text = answer.withLockedValue { $0 }
            // Closed once the answer is written, not before: a close with the write pending would drop it.
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: text)), promise: written)
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            written.futureResult.whenComplete { _ in bound.value.close(promise: nil) }
        }
    }
}
