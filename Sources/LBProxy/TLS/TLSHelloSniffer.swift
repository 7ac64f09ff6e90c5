import LBCore
import NIOCore

/// Sits between the socket and the TLS handler and reads, without changing a byte, the two hellos of the
/// handshake that travel in the clear: the client's (its SNI and session id) and the server's (the
/// cipher chosen, and whether the session was resumed). BoringSSL, as swift-nio-ssl wraps it, does not
/// tell these; the wire does. Once both are read it only passes bytes through.
final class TLSHelloSniffer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var clientParser: TLSHelloParser? = TLSHelloParser(.clientHello)
    private var serverParser: TLSHelloParser? = TLSHelloParser(.serverHello)
    private(set) var clientHello: TLSHello?
    private(set) var serverHello: TLSHello?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if clientParser != nil {
            switch clientParser!.feed(unwrapInboundIn(data).readableBytesView) {
            case .incomplete:
                break
            case .hello(let hello):
                clientHello = hello
                clientParser = nil
                // The TLS handler chooses the certificate while it reads these bytes.
                ClientHelloInFlight.publishing(hello) { context.fireChannelRead(data) }
                return
            case .invalid:
                // The TLS handler sees the same bytes and fails the handshake with its own reason.
                clientParser = nil
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if serverParser != nil {
            switch serverParser!.feed(unwrapOutboundIn(data).readableBytesView) {
            case .incomplete:
                break
            case .hello(let hello):
                serverHello = hello
                serverParser = nil
            case .invalid:
                serverParser = nil
            }
        }
        context.write(data, promise: promise)
    }
}
