import LBCore
import NIOSSL

/// Puts together what a completed handshake established, from the TLS handler and the sniffed hellos.
enum TLSSessionFactsBuilder {
    static func build(client: TLSHello?, server: TLSHello?, version: TLSVersion?, alpn: String?,
                      peerCertificate: NIOSSLCertificate?) -> TLSSessionFacts {
        let versionName: String
        switch version {
        case .tlsv1: versionName = "TLSv1"
        case .tlsv11: versionName = "TLSv1.1"
        case .tlsv12: versionName = "TLSv1.2"
        case .tlsv13: versionName = "TLSv1.3"
        case nil: versionName = server.map { TLSHello.versionName($0.version) } ?? "-"
        }
        let cipher = server?.cipherSuites.first.map(TLSCipherNames.name) ?? "-"
        var resumed = false
        if let server {
            // TLS 1.3 resumes with a pre-shared key; TLS 1.2 by echoing the session id the client offered.
            resumed = server.hasPreSharedKey
                || (server.version < 0x0304 && !server.sessionID.isEmpty && server.sessionID == client?.sessionID)
        }
        return TLSSessionFacts(serverName: client?.serverName, version: versionName, cipher: cipher, alpn: alpn,
                               resumed: resumed, clientCertificate: peerCertificate.map(certificateFacts), verifyResult: 0)
    }

    static func certificateFacts(_ certificate: NIOSSLCertificate) -> ClientCertificateFacts {
        let der = (try? certificate.toDERBytes()) ?? []
        return ClientCertificateFacts(subject: distinguishedName(certificate.subjectName),
                                      issuer: distinguishedName(certificate.issuerName),
                                      serial: SHA1.hex(certificate.serialNumber), sha1: SHA1.hex(SHA1.digest(der)))
    }

    /// `/C=FR/O=Example/CN=client`, as HAProxy writes a distinguished name.
    static func distinguishedName(_ names: [SSLCertificateName]) -> String {
        names.map { "/\(shortName($0.type))=\($0.value)" }.joined()
    }

    private static func shortName(_ type: SSLCertificateNameType) -> String {
        switch type {
        case .country: "C"
        case .state: "ST"
        case .city: "L"
        case .organization: "O"
        case .organizationalUnit: "OU"
        case .commonName: "CN"
        case .emailAddress: "emailAddress"
        case .userId: "UID"
        default: "?"
        }
    }
}
