import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Answers any request with a large body and records when the whole body has left its socket, which
/// can only happen once the far end reads: the probe for backpressure.
final class BulkServer: Sendable {
    let group: MultiThreadedEventLoopGroup
    let channel: Channel
    let size: Int
    private let finished = NIOLockedValueBox(false)
    var port: Int { channel.localAddress!.port! }
    var bodyFullyWritten: Bool { finished.withLockedValue { $0 } }

    init(size: Int) async throws {
        self.size = size
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.group = group
        let finished = self.finished
        channel = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(size: size) { finished.withLockedValue { $0 = true } })
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let size: Int
        let done: @Sendable () -> Void
        var answered = false
        init(size: Int, done: @escaping @Sendable () -> Void) {
            self.size = size
            self.done = done
        }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !answered else { return }
            answered = true
            context.write(wrapOutboundOut(context.channel.allocator.buffer(string: "HTTP/1.1 200 OK\r\nContent-Length: \(size)\r\n\r\n")), promise: nil)
            let chunk = context.channel.allocator.buffer(repeating: UInt8(ascii: "x"), count: 1 << 20)
            var promise: EventLoopPromise<Void>?
            for index in 0..<(size >> 20) {
                if index == (size >> 20) - 1 { promise = context.eventLoop.makePromise() }
                context.write(wrapOutboundOut(chunk), promise: promise)
            }
            context.flush()
            let done = self.done
            promise?.futureResult.whenSuccess { done() }
        }
    }
}
