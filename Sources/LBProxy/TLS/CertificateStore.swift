/// A listener's certificates, indexed for SNI: an exact name first, then a wildcard (`*.example.com`
/// covers one label), then the default (the first loaded), as HAProxy chooses. Immutable: an update
/// builds a new store and swaps it whole, so a handshake reads one consistent store.
final class CertificateStore: Sendable {
    let bundles: [CertificateBundle]
    private let exact: [String: Int]
    private let wildcard: [String: Int]

    init(_ bundles: [CertificateBundle]) {
        self.bundles = bundles
        var exact: [String: Int] = [:]
        var wildcard: [String: Int] = [:]
        for (index, bundle) in bundles.enumerated() {
            for name in bundle.serverNames {
                if name.hasPrefix("*.") {
                    if wildcard[String(name.dropFirst(2))] == nil { wildcard[String(name.dropFirst(2))] = index }
                } else if exact[name] == nil {
                    exact[name] = index
                }
            }
        }
        self.exact = exact
        self.wildcard = wildcard
    }

    var defaultBundle: CertificateBundle { bundles[0] }

    /// The certificate for `serverName`; nil when no name matches (the caller then uses the default, or
    /// refuses the handshake under `strict-sni`).
    func match(_ serverName: String) -> CertificateBundle? {
        let name = serverName.lowercased()
        if let index = exact[name] { return bundles[index] }
        if let dot = name.firstIndex(of: "."), let index = wildcard[String(name[name.index(after: dot)...])] {
            return bundles[index]
        }
        return nil
    }

    /// The same store with the certificate named `name` replaced; nil when no certificate has that name.
    func replacing(_ name: String, with bundle: CertificateBundle) -> CertificateStore? {
        guard let index = bundles.firstIndex(where: { $0.name == name }) else { return nil }
        var updated = bundles
        updated[index] = bundle
        return CertificateStore(updated)
    }
}
