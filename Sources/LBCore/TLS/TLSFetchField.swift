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
    case resumed
    /// `ssl_fc_err`, `ssl_c_err`, `ssl_c_ca_err`: the TLS error of the connection, and the verification
    /// errors of the client's certificate and of its chain (`option httpslog` prints all three).
    case connectionError
    case clientCertificateError
    case clientChainError

    /// By HAProxy's fetch name.
    static let byName: [String: TLSFetchField] = [
        "ssl_fc_sni": .serverName, "ssl_fc_protocol": .version, "ssl_fc_cipher": .cipher, "ssl_fc_alpn": .alpn,
        "ssl_fc_has_sni": .hasServerName, "ssl_fc_has_crt": .hasClientCertificate, "ssl_c_used": .hasClientCertificate,
        "ssl_c_verify": .verifyResult, "ssl_c_s_dn": .clientSubject, "ssl_c_i_dn": .clientIssuer,
        "ssl_c_serial": .clientSerial, "ssl_c_sha1": .clientSHA1, "ssl_fc_is_resumed": .resumed,
        "ssl_fc_err": .connectionError, "ssl_c_err": .clientCertificateError, "ssl_c_ca_err": .clientChainError,
    ]

    var type: SampleType {
        switch self {
        case .hasServerName, .hasClientCertificate, .resumed: .boolean
        case .verifyResult, .connectionError, .clientCertificateError, .clientChainError: .integer
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
        case .resumed: return .boolean(facts.resumed)
        // An established session had no TLS error: a handshake that fails never reaches a fetch.
        case .connectionError: return .integer(0)
        // lb keeps one verification result, not one per depth: a certificate that verifies is 0 for both,
        // and a chain that does not verify fails the handshake (so no established session has a CA error).
        case .clientCertificateError: return .integer(facts.verifyResult)
        case .clientChainError: return .integer(0)
        }
    }
}
