/// A listener's certificates, indexed for SNI: an exact name first, then a wildcard (`*.example.com`
/// covers one label), then the default (the first loaded), as HAProxy chooses. A name may have an ECDSA
/// and an RSA certificate: the ECDSA one goes to clients that accept it, the other to the rest.
/// Immutable: an update builds a new store and swaps it whole, so a handshake reads one consistent store.
final class CertificateStore: Sendable {
    let bundles: [CertificateBundle]
    private let exact: [String: Choice]
    private let wildcard: [String: Choice]

    /// The first certificate of each key type for one name.
    private struct Choice {
        var ecdsa: Int?
        var other: Int?

        mutating func add(_ index: Int, ecdsa isECDSA: Bool) {
            if isECDSA { ecdsa = ecdsa ?? index } else { other = other ?? index }
        }

        func pick(acceptsECDSA: Bool) -> Int {
            if acceptsECDSA, let ecdsa { return ecdsa }
            return other ?? ecdsa!
        }
    }

    init(_ bundles: [CertificateBundle]) {
        self.bundles = bundles
        var exact: [String: Choice] = [:]
        var wildcard: [String: Choice] = [:]
        for (index, bundle) in bundles.enumerated() {
            for name in bundle.serverNames {
                if name.hasPrefix("*.") {
                    wildcard[String(name.dropFirst(2)), default: Choice()].add(index, ecdsa: bundle.isECDSA)
                } else {
                    exact[name, default: Choice()].add(index, ecdsa: bundle.isECDSA)
                }
            }
        }
        self.exact = exact
        self.wildcard = wildcard
    }

    /// The first certificate loaded, or its other-key-type sibling for the same name.
    func defaultBundle(acceptsECDSA: Bool = true) -> CertificateBundle {
        guard let name = bundles[0].serverNames.first, let bundle = match(name, acceptsECDSA: acceptsECDSA) else {
            return bundles[0]
        }
        return bundle
    }

    /// The certificate for `serverName`; nil when no name matches (the caller then uses the default, or
    /// refuses the handshake under `strict-sni`).
    func match(_ serverName: String, acceptsECDSA: Bool = true) -> CertificateBundle? {
        let name = serverName.lowercased()
        if let choice = exact[name] { return bundles[choice.pick(acceptsECDSA: acceptsECDSA)] }
        if let dot = name.firstIndex(of: "."), let choice = wildcard[String(name[name.index(after: dot)...])] {
            return bundles[choice.pick(acceptsECDSA: acceptsECDSA)]
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
