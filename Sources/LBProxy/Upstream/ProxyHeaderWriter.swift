import LBConfig
import LBCore
import NIOCore

/// The first handler of a server connection that speaks the PROXY protocol (`send-proxy`,
/// `send-proxy-v2`, `check-send-proxy`, `tcp-check connect send-proxy`): it puts the header on the wire
/// ahead of every other byte, then leaves the pipeline.
///
/// Traffic connections name the client they carry. Health checks carry no client: as haproxy does, their
/// header names the check connection's own addresses, known once it is connected.
///
/// NIO completes a connect before it tells the pipeline the channel is active, so the owner of the
/// connection may write (a request, a TLS ClientHello) before `channelActive` arrives: the header then
/// goes out just before that first write. The handler leaves after a flush (NIO flushes a
/// `writeAndFlush` through the handler that took its write, so it must stay until then).
final class ProxyHeaderWriter: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Header {
        case bytes([UInt8])
        /// The connection's own local and remote addresses, in that version.
        case ownAddresses(ProxyProtocolVersion)
    }

    private let header: Header
    private var sent = false
    private var leaving = false

    init(header: [UInt8]) {
        self.header = .bytes(header)
    }

    init(_ header: Header) {
        self.header = header
    }

    func channelActive(context: ChannelHandlerContext) {
        if !sent { sendHeader(context: context) }
        context.flush()
        context.fireChannelActive()
        leave(context: context)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if !sent { sendHeader(context: context) }
        context.write(data, promise: promise)
    }

    func flush(context: ChannelHandlerContext) {
        context.flush()
        if sent { leave(context: context) }
    }

    private func sendHeader(context: ChannelHandlerContext) {
        sent = true
        let bytes: [UInt8]
        switch header {
        case .bytes(let fixed):
            bytes = fixed
        case .ownAddresses(let version):
            let local = context.channel.localAddress, remote = context.channel.remoteAddress
            bytes = ProxyProtocolHeader(source: local?.ipAddress, sourcePort: local?.port ?? 0,
                                        destination: remote?.ipAddress, destinationPort: remote?.port ?? 0).encoded(version)
        }
        context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
    }

    private func leave(context: ChannelHandlerContext) {
        guard !leaving else { return }
        leaving = true
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
