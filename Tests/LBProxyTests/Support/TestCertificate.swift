import Foundation
import LBTestSupport
import NIOConcurrencyHelpers
import NIOSSL

/// A self-signed certificate for one DNS name, made by openssl at test time (ECDSA P-256). Being its own
/// issuer, its certificate file is also the `ca-file` that verifies it.
struct TestCertificate {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let name: String
    let directory: String
    var certificatePath: String { directory + "/cert.pem" }
    var keyPath: String { directory + "/key.pem" }
    /// The certificate and its key in one file, as `crt` takes them.
    var bundlePath: String { directory + "/bundle.pem" }

    init(name: String) throws {
        self.name = name
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("lb-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let outcome = try ExternalTool.run("openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem", "-days", "30",
            "-subj", "/CN=\(name)", "-addext", "subjectAltName=DNS:\(name)",
        ])
        guard outcome.status == 0 else { throw Failure(description: "openssl req failed: \(outcome.errors)") }
        let bundle = try String(contentsOfFile: directory + "/cert.pem", encoding: .utf8)
            + String(contentsOfFile: directory + "/key.pem", encoding: .utf8)
        try bundle.write(toFile: directory + "/bundle.pem", atomically: true, encoding: .utf8)
    }

    /// A server context presenting this certificate; each handshake's SNI (nil: none sent) is appended to
    /// `serverNames`. With `clientCertificate`, clients must present that certificate.
    func serverContext(serverNames: NIOLockedValueBox<[String?]>, clientCertificate: TestCertificate? = nil) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificatePath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem)))
        if let clientCertificate {
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = .file(clientCertificate.certificatePath)
        }
        configuration.sslContextCallback = { values, promise in
            serverNames.withLockedValue { $0.append(values.serverHostname) }
            promise.succeed(NIOSSLContextConfigurationOverride())
        }
        return try NIOSSLContext(configuration: configuration)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
