import NIOCore

/// First handler of a health-check connection with `tcp-check connect send-proxy`: writes the PROXY
/// protocol (v1) line before anything else, TLS included. As haproxy does for checks, the line names the
/// check connection's own addresses: `PROXY TCP4 <local> <server> <local port> <server port>`.
final class CheckProxyHeaderWriter: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var sent = false

    static func line(local: SocketAddress?, remote: SocketAddress?) -> String {
        guard let local, let remote, let source = local.ipAddress, let destination = remote.ipAddress,
              let sourcePort = local.port, let destinationPort = remote.port else { return "PROXY UNKNOWN\r\n" }
        let family: String
        switch (local, remote) {
        case (.v4, .v4): family = "TCP4"
        case (.v6, .v6): family = "TCP6"
        default: return "PROXY UNKNOWN\r\n"
        }
        return "PROXY \(family) \(source) \(destination) \(sourcePort) \(destinationPort)\r\n"
    }

    /// The line goes out before the first byte anything else writes, whichever comes first: the
    /// connection becoming active (a TLS handshake starts then) or a write.
    private func sendLine(context: ChannelHandlerContext) {
        guard !sent else { return }
        sent = true
        let text = Self.line(local: context.channel.localAddress, remote: context.channel.remoteAddress)
        context.write(wrapOutboundOut(context.channel.allocator.buffer(string: text)), promise: nil)
    }

    func channelActive(context: ChannelHandlerContext) {
        sendLine(context: context)
        context.flush()
        context.fireChannelActive()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        sendLine(context: context)
        context.write(data, promise: promise)
    }
}
