import NIOSSL

/// One certificate as a listener serves it: the leaf and its chain, its private key, and the names it
/// answers to (its DNS subject alternative names, else its common name), lowercased.
struct CertificateBundle: Sendable {
    /// Where it came from (a `crt` file, or the name a runtime update gave it).
    let name: String
    let chain: [NIOSSLCertificate]
    let key: NIOSSLPrivateKey
    let serverNames: [String]
    /// When the leaf expires (Unix seconds).
    let notAfter: Int
    /// The leaf's key is an elliptic-curve key (its certificate is served to clients that accept ECDSA).
    let isECDSA: Bool

    /// The DER of `id-ecPublicKey` (1.2.840.10045.2.1), which only a certificate's own key info names.
    private static let ecPublicKeyOID: [UInt8] = [0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]

    /// `serverNames`: the names a `crt-list` line gives it, instead of the certificate's own.
    init(name: String, chain: [NIOSSLCertificate], key: NIOSSLPrivateKey, serverNames: [String]? = nil) {
        self.name = name
        self.chain = chain
        self.key = key
        let leaf = chain[0]
        self.notAfter = Int(leaf.notValidAfter)
        let der = (try? leaf.toDERBytes()) ?? []
        self.isECDSA = der.indices.contains { index in
            der[index...].starts(with: Self.ecPublicKeyOID)
        }
        if let serverNames {
            self.serverNames = serverNames.map { $0.lowercased() }
            return
        }
        var names: [String] = []
        for alternative in leaf._subjectAlternativeNames() where alternative.nameType == .dnsName {
            names.append(String(decoding: alternative.contents, as: UTF8.self).lowercased())
        }
        if names.isEmpty, let common = leaf.subjectName.first(where: { $0.type == .commonName }) {
            names.append(common.value.lowercased())
        }
        self.serverNames = names
    }

    func named(_ serverNames: [String]) -> CertificateBundle {
        CertificateBundle(name: name, chain: chain, key: key, serverNames: serverNames)
    }
}
