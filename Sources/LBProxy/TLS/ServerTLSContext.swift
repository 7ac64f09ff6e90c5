import Foundation
import LBConfig
import LBCore
import NIOSSL

/// TLS towards one server: the BoringSSL context built once from its `server` line, shared by every
/// connection and health check to it, and what a handshake must prove.
///
/// Session resumption: HAProxy keeps each server's last session and offers it in the next handshake.
/// swift-nio-ssl 2.37.6 has no API for that on the client side (BoringSSL resumes a client session only
/// when it is handed one with `SSL_set_session`, and the context's session cache, which does not serve
/// clients, is not configurable through NIOSSL either), so every new connection to a server makes a full
/// handshake; `no-ssl-reuse` is therefore what lb always does. Pooled keep-alive connections
/// (`http-reuse`) are what spares handshakes.
final class ServerTLSContext: Sendable {
    let plan: ServerTLSPlan
    let context: NIOSSLContext

    init(_ plan: ServerTLSPlan, server: String) throws(TLSSetupError) {
        self.plan = plan
        let settings = plan.settings
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = TLSOptionValues.version(settings.minVersion)
        configuration.maximumTLSVersion = TLSOptionValues.version(settings.maxVersion)
        if let ciphers = settings.ciphers { configuration.cipherSuites = ciphers }
        if let curves = settings.curves { configuration.curves = try TLSOptionValues.curves(curves, place: server) }
        configuration.applicationProtocols = settings.alpn
        // Closing a connection sends close_notify; like HAProxy, lb does not wait long for the server's
        // (NIOSSL's default would hold every closed connection, and a stop, for 5 s).
        configuration.shutdownTimeout = .milliseconds(100)
        if plan.verify, let caFile = settings.caFile {
            // The chain is checked by BoringSSL during the handshake; the name, by HAProxy's rules, once it
            // completes and before any request byte is written (`ServerHandshake`).
            configuration.certificateVerification = .noHostnameVerification
            if caFile == "@system-ca" {
                configuration.trustRoots = .default
            } else {
                guard FileManager.default.isReadableFile(atPath: caFile) else {
                    throw TLSSetupError(file: caFile, "cannot read the CA file of server '\(server)'")
                }
                configuration.trustRoots = .file(caFile)
            }
        } else {
            configuration.certificateVerification = .none
        }
        if let path = settings.certificate {
            let bundle = try CertificateLoader.loadFile(path)
            configuration.certificateChain = bundle.chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(bundle.key)
        }
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSSetupError(file: settings.caFile ?? server, "cannot set up TLS towards server '\(server)': \(error)")
        }
    }

    /// The handler for one new connection, sending `serverName` as SNI. RFC 6066 forbids an address as a
    /// server name: a name that is one (or that BoringSSL refuses) is not sent.
    func makeHandler(serverName: String?) -> NIOSSLClientHandler {
        if let serverName, let handler = try? NIOSSLClientHandler(context: context, serverHostname: serverName) {
            return handler
        }
        // Without a server name the client handler cannot fail.
        return try! NIOSSLClientHandler(context: context, serverHostname: nil)
    }

    /// The name the certificate must match for a connection that sent `serverName` (nil: none sent):
    /// the SNI, else `verifyhost`; nil when names are not checked.
    func expectedName(serverName: String?) -> String? {
        guard plan.verify else { return nil }
        return serverName ?? plan.settings.verifyHost
    }
}
