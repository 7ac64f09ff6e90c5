import NIOCore

/// First handler of a health-check connection with `tcp-check connect send-proxy`: writes the PROXY
/// protocol line before anything else, TLS included. A check has no client, so the line is
/// `PROXY UNKNOWN`, which the protocol defines for connections the proxy opens itself.
final class CheckProxyHeaderWriter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    static let line = "PROXY UNKNOWN\r\n"

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(NIOAny(context.channel.allocator.buffer(string: Self.line)), promise: nil)
        context.fireChannelActive()
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
