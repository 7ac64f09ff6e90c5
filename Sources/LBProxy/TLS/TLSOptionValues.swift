import LBConfig
import NIOSSL

/// HAProxy's spellings of TLS settings (`ssl-min-ver TLSv1.2`, `curves X25519:P-256`) as BoringSSL's
/// values; shared by listeners and server connections.
enum TLSOptionValues {
    static func version(_ version: TLSProtocolVersion) -> TLSVersion {
        switch version {
        case .ssl3, .tls10: .tlsv1
        case .tls11: .tlsv11
        case .tls12: .tlsv12
        case .tls13: .tlsv13
        }
    }

    /// `curves X25519:P-256`, in OpenSSL's names; an unknown name is an error about `place`.
    static func curves(_ list: String, place: String) throws(TLSSetupError) -> [NIOTLSCurve] {
        let known: [String: NIOTLSCurve] = [
            "x25519": .x25519, "p-256": .secp256r1, "prime256v1": .secp256r1, "secp256r1": .secp256r1,
            "p-384": .secp384r1, "secp384r1": .secp384r1, "p-521": .secp521r1, "secp521r1": .secp521r1,
            "x25519mlkem768": .x25519_MLKEM768,
        ]
        var curves: [NIOTLSCurve] = []
        for name in list.split(separator: ":") {
            guard let curve = known[name.lowercased()] else {
                throw TLSSetupError(file: place, "unknown curve '\(name)' in 'curves'")
            }
            curves.append(curve)
        }
        return curves
    }
}
