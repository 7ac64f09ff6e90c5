import LBCore
import NIOCore
import NIOSSL
import NIOTLS

/// Sits after the TLS client handler of a server connection (traffic or health check): completes
/// `result` when the handshake is done and the certificate is for the expected name, fails it otherwise
/// and closes the connection. Nothing is written to the server before that: the connection is handed to
/// its session only once `result` succeeds. Confined to the connection's event loop.
final class ServerHandshake: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let tlsHandler: NIOSSLClientHandler
    /// The name the certificate must match, nil when names are not checked.
    private let expectedName: String?
    private let sentServerName: Bool
    private let promise: EventLoopPromise<Void>
    private var done = false

    var result: EventLoopFuture<Void> { promise.futureResult }

    init(context tls: ServerTLSContext, serverName: String?, eventLoop: EventLoop) {
        tlsHandler = tls.makeHandler(serverName: serverName)
        expectedName = tls.expectedName(serverName: serverName)
        sentServerName = serverName != nil
        promise = eventLoop.makePromise()
    }

    /// Adds the TLS handler and this one to a new channel's pipeline.
    func install(in pipeline: ChannelPipeline.SynchronousOperations) throws {
        try pipeline.addHandlers(tlsHandler, self)
    }

    /// Gives up on the handshake (the connect failed, or took too long): the channel, if any, is closed
    /// by the caller.
    func abandon(_ error: any Error) {
        finish(.failure(error))
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish(.failure(ServerHandshakeError.closed))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if !done, let tlsEvent = event as? TLSUserEvent, case .handshakeCompleted = tlsEvent {
            if let expectedName, !CertificateNameMatch.matches(Self.names(of: tlsHandler.peerCertificate), hostname: expectedName) {
                finish(.failure(ServerHandshakeError.nameMismatch(sni: sentServerName)))
                context.close(promise: nil)
                return
            }
            finish(.success(()))
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard done else {
            finish(.failure(ServerHandshakeError.failed(error)))
            context.close(promise: nil)
            return
        }
        // Most servers close without a TLS close_notify once they are done (HTTP/1 `Connection: close`);
        // the end of the input tells the session all it needs, so this is not an error.
        if let error = error as? NIOSSLError, case .uncleanShutdown = error { return }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(ServerHandshakeError.closed))
        context.fireChannelInactive()
    }

    private func finish(_ outcome: Result<Void, any Error>) {
        guard !done else { return }
        done = true
        promise.completeWith(outcome)
    }

    /// The certificate's DNS subject alternative names, then its common names: where HAProxy looks.
    private static func names(of certificate: NIOSSLCertificate?) -> [String] {
        guard let certificate else { return [] }
        var names: [String] = []
        for alternative in certificate._subjectAlternativeNames() where alternative.nameType == .dnsName {
            names.append(String(decoding: alternative.contents, as: UTF8.self))
        }
        for entry in certificate.subjectName where entry.type == .commonName { names.append(entry.value) }
        return names
    }
}
