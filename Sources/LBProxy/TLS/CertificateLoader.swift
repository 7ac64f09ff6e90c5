import Foundation
import NIOSSL

/// Reads certificates as HAProxy's `crt` takes them: a PEM file holding the certificate, its chain and
/// its key (or the key in `FILE.key` beside it), or a directory whose files are each such a PEM.
enum CertificateLoader {
    /// Files a certificate directory may hold beside the certificates, which are not certificates.
    static let companionExtensions = [".key", ".ocsp", ".issuer", ".sctl", ".dh"]

    /// The certificates at `path`, a file or a directory (its files in name order).
    static func load(_ path: String) throws(TLSSetupError) -> [CertificateBundle] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TLSSetupError(file: path, "no such file or directory")
        }
        guard isDirectory.boolValue else { return [try loadFile(path)] }
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        } catch {
            throw TLSSetupError(file: path, "cannot list the directory: \(error.localizedDescription)")
        }
        var bundles: [CertificateBundle] = []
        for entry in entries where !entry.hasPrefix(".") && !companionExtensions.contains(where: entry.hasSuffix) {
            bundles.append(try loadFile(path.hasSuffix("/") ? path + entry : path + "/" + entry))
        }
        if bundles.isEmpty { throw TLSSetupError(file: path, "the directory holds no certificate") }
        return bundles
    }

    static func loadFile(_ path: String) throws(TLSSetupError) -> CertificateBundle {
        guard let pem = FileManager.default.contents(atPath: path) else {
            throw TLSSetupError(file: path, "cannot read the file")
        }
        let keyPEM = FileManager.default.contents(atPath: path + ".key").map { Array($0) }
        return try bundle(name: path, pem: Array(pem), keyPEM: keyPEM)
    }

    /// A certificate from PEM text: the certificates (leaf first) and a key, from `pem` or else `keyPEM`.
    /// The key must be the leaf's.
    static func bundle(name: String, pem: [UInt8], keyPEM: [UInt8]?) throws(TLSSetupError) -> CertificateBundle {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(pem)
        } catch {
            throw TLSSetupError(file: name, "no PEM certificate could be read (\(error))")
        }
        guard !chain.isEmpty else { throw TLSSetupError(file: name, "the file holds no certificate") }
        let key: NIOSSLPrivateKey
        if let inline = try? NIOSSLPrivateKey(bytes: pem, format: .pem) {
            key = inline
        } else if let keyPEM, let separate = try? NIOSSLPrivateKey(bytes: keyPEM, format: .pem) {
            key = separate
        } else {
            throw TLSSetupError(file: name, "no private key: put it in the same PEM file, or in '\(name).key'")
        }
        let bundle = CertificateBundle(name: name, chain: chain, key: key)
        try checkKeyMatches(bundle)
        return bundle
    }

    /// BoringSSL refuses a key that is not the certificate's when both are loaded into a context.
    private static func checkKeyMatches(_ bundle: CertificateBundle) throws(TLSSetupError) {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: bundle.chain.map { .certificate($0) }, privateKey: .privateKey(bundle.key))
        configuration.minimumTLSVersion = .tlsv12
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSSetupError(file: bundle.name, "the private key does not match the certificate (\(error))")
        }
    }
}
