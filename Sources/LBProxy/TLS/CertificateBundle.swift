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

    /// `serverNames`: the names a `crt-list` line gives it, instead of the certificate's own.
    init(name: String, chain: [NIOSSLCertificate], key: NIOSSLPrivateKey, serverNames: [String]? = nil) {
        self.name = name
        self.chain = chain
        self.key = key
        let leaf = chain[0]
        self.notAfter = Int(leaf.notValidAfter)
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
