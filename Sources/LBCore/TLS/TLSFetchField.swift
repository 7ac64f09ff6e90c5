/// The `ssl_fc_*` and `ssl_c_*` fetches: which fact of the connection's TLS session each reads.
enum TLSFetchField: Sendable, Hashable {
    case serverName
    case version
    case cipher
    case alpn
    case hasServerName
    case hasClientCertificate
    case verifyResult
    case clientSubject
    case clientIssuer
    case clientSerial
    case clientSHA1

    /// By HAProxy's fetch name.
    static let byName: [String: TLSFetchField] = [
        "ssl_fc_sni": .serverName, "ssl_fc_protocol": .version, "ssl_fc_cipher": .cipher, "ssl_fc_alpn": .alpn,
        "ssl_fc_has_sni": .hasServerName, "ssl_fc_has_crt": .hasClientCertificate, "ssl_c_used": .hasClientCertificate,
        "ssl_c_verify": .verifyResult, "ssl_c_s_dn": .clientSubject, "ssl_c_i_dn": .clientIssuer,
        "ssl_c_serial": .clientSerial, "ssl_c_sha1": .clientSHA1,
    ]

    var type: SampleType {
        switch self {
        case .hasServerName, .hasClientCertificate: .boolean
        case .verifyResult: .integer
        default: .string
        }
    }

    /// The value on a connection: nil when the connection has no TLS session, or the session lacks it
    /// (no SNI, no client certificate). A boolean is false rather than absent on a TLS connection.
    func value(_ facts: TLSSessionFacts?) -> SampleValue? {
        guard let facts else { return nil }
        let certificate = facts.clientCertificate
        switch self {
        case .serverName: return facts.serverName.map { .string(Substring($0)) }
        case .version: return .string(Substring(facts.version))
        case .cipher: return .string(Substring(facts.cipher))
        case .alpn: return facts.alpn.map { .string(Substring($0)) }
        case .hasServerName: return .boolean(facts.serverName != nil)
        case .hasClientCertificate: return .boolean(certificate != nil)
        case .verifyResult: return .integer(facts.verifyResult)
        case .clientSubject: return certificate.map { .string(Substring($0.subject)) }
        case .clientIssuer: return certificate.map { .string(Substring($0.issuer)) }
        case .clientSerial: return certificate.map { .string(Substring($0.serial)) }
        case .clientSHA1: return certificate.map { .string(Substring($0.sha1)) }
        }
    }
}
