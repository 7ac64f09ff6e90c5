import Foundation
import LBConfig
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

/// TLS termination for one `bind ... ssl` line: the BoringSSL context built from its settings, and the
/// certificate store SNI chooses from. The store is swapped whole by a runtime update (`set ssl cert`,
/// `commit ssl cert`): a handshake reads it once, when the ClientHello arrives, so handshakes in progress
/// keep what they started with and new ones see the new certificate.
final class TLSTerminator: Sendable {
    let settings: BindTLS
    let context: NIOSSLContext
    private let store: NIOLockedValueBox<CertificateStore>

    init(_ settings: BindTLS, warn: (String) -> Void) throws(TLSSetupError) {
        self.settings = settings
        var bundles: [CertificateBundle] = []
        for path in settings.certificates { bundles += try CertificateLoader.load(path) }
        for path in settings.certificateLists { bundles += try CertificateList.load(path, base: nil, warn: warn) }
        let now = Int(Date().timeIntervalSince1970)
        for bundle in bundles where bundle.notAfter < now {
            warn("\(bundle.name): the certificate expired; clients will refuse it")
        }
        if settings.noTLSTickets { warn("'no-tls-tickets' is not applied: BoringSSL's session tickets stay on") }
        if settings.crlFile != nil { warn("'crl-file' is not applied: revoked client certificates are not refused") }
        if settings.cipherSuites != nil { warn("'ciphersuites' is not applied: BoringSSL's TLS 1.3 suites are fixed") }
        let store = NIOLockedValueBox(CertificateStore(bundles))
        self.store = store
        let first = bundles[0]
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: first.chain.map { .certificate($0) }, privateKey: .privateKey(first.key))
        configuration.minimumTLSVersion = TLSOptionValues.version(settings.minVersion)
        configuration.maximumTLSVersion = TLSOptionValues.version(settings.maxVersion)
        if let ciphers = settings.ciphers { configuration.cipherSuites = ciphers }
        if let curves = settings.curves { configuration.curves = try TLSOptionValues.curves(curves, place: settings.location.description) }
        configuration.applicationProtocols = settings.alpn
        if let caFile = settings.caFile {
            configuration.trustRoots = .file(caFile)
            switch settings.verify {
            case .none: configuration.certificateVerification = .none
            case .optional: configuration.certificateVerification = .optionalVerification
            case .required: configuration.certificateVerification = .noHostnameVerification
            }
        }
        let strict = settings.strictSNI
        configuration.sslContextCallback = { values, promise in
            let current = store.withLockedValue { $0 }
            let acceptsECDSA = ClientHelloInFlight.hello?.acceptsECDSA ?? true
            guard let name = values.serverHostname, let chosen = current.match(name, acceptsECDSA: acceptsECDSA) else {
                if strict {
                    promise.fail(TLSSetupError(file: "-", "strict-sni: no certificate for '\(values.serverHostname ?? "")'"))
                } else {
                    promise.succeed(Self.override(current.defaultBundle(acceptsECDSA: acceptsECDSA)))
                }
                return
            }
            promise.succeed(Self.override(chosen))
        }
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSSetupError(file: first.name, "cannot set up TLS: \(error)")
        }
    }

    var certificates: CertificateStore { store.withLockedValue { $0 } }

    /// Replaces the certificate named `name` for the handshakes that start from now on; false when this
    /// listener has no certificate by that name.
    func replace(_ name: String, with bundle: CertificateBundle) -> Bool {
        store.withLockedValue { current in
            guard let updated = current.replacing(name, with: bundle) else { return false }
            current = updated
            return true
        }
    }

    func makeHandler() -> NIOSSLServerHandler {
        NIOSSLServerHandler(context: context)
    }

    private static func override(_ bundle: CertificateBundle) -> NIOSSLContextConfigurationOverride {
        var override = NIOSSLContextConfigurationOverride()
        override.certificateChain = bundle.chain.map { .certificate($0) }
        override.privateKey = .privateKey(bundle.key)
        return override
    }
}
