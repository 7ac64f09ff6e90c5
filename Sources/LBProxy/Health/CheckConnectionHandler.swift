import NIOCore

/// The last handler of a health-check connection: hands what the server sends, and the end of the
/// connection, to the check's runner. Confined to the connection's event loop.
final class CheckConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let onRead: ([UInt8]) -> Void
    private let onClose: () -> Void

    init(onRead: @escaping ([UInt8]) -> Void, onClose: @escaping () -> Void) {
        self.onRead = onRead
        self.onClose = onClose
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        onRead(Array(unwrapInboundIn(data).readableBytesView))
    }

    func channelInactive(context: ChannelHandlerContext) {
        onClose()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
