import NIOCore

/// The first handler of a server connection that speaks the PROXY protocol (`send-proxy`,
/// `send-proxy-v2`, `check-send-proxy`): once connected, it writes the header straight to the socket,
/// before anything the handlers behind it send (a TLS ClientHello included), then leaves the pipeline.
final class ProxyHeaderWriter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let header: [UInt8]

    init(header: [UInt8]) {
        self.header = header
    }

    func channelActive(context: ChannelHandlerContext) {
        let buffer = context.channel.allocator.buffer(bytes: header)
        // Written from this handler's place, the header goes to the socket ahead of any later write.
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        context.fireChannelActive()
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
