import NIOConcurrencyHelpers

/// A TLS server for `backend.test` that records the SNI of each handshake.
struct TLSPeer {
    let certificate: TestCertificate
    let backend: TestBackend
    let serverNames: NIOLockedValueBox<[String?]>

    /// With `clientCertificate`, the server requires lb to present that certificate.
    static func start(name: String = "s1", clientCertificate: TestCertificate? = nil,
                      respond: (@Sendable (TestBackend.Request) -> TestBackend.Action)? = nil) async throws -> TLSPeer {
        let certificate = try TestCertificate(name: "backend.test")
        let names = NIOLockedValueBox<[String?]>([])
        let context = try certificate.serverContext(serverNames: names, clientCertificate: clientCertificate)
        let backend = try await TestBackend(name: name, tls: context, respond: respond)
        return TLSPeer(certificate: certificate, backend: backend, serverNames: names)
    }

    func stop() async {
        await backend.stop()
        certificate.remove()
    }
}
