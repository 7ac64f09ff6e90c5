/// What a TLS ClientHello or ServerHello says in the clear, read by `TLSHelloParser`.
public struct TLSHello: Sendable, Hashable {
    /// The `legacy_version` field (0x0303 for TLS 1.2 and 1.3).
    public var legacyVersion: UInt16 = 0
    /// The version `supported_versions` selects (ServerHello) or the highest it offers (ClientHello).
    public var supportedVersion: UInt16?
    public var sessionID: [UInt8] = []
    /// The cipher suites offered (ClientHello) or the one chosen (ServerHello: a single element).
    public var cipherSuites: [UInt16] = []
    /// The `server_name` extension's host name.
    public var serverName: String?
    /// The ALPN protocols offered (ClientHello) or chosen (ServerHello, TLS 1.2 only).
    public var alpn: [String] = []
    /// A `pre_shared_key` extension: in a ServerHello, the server accepted a TLS 1.3 resumption.
    public var hasPreSharedKey = false
    /// The `signature_algorithms` the client accepts (ClientHello).
    public var signatureAlgorithms: [UInt16] = []

    public init() {}

    /// The negotiated version: `supported_versions` when present, else the legacy field.
    public var version: UInt16 { supportedVersion ?? legacyVersion }

    /// Whether the client can verify an ECDSA certificate: it lists an ECDSA signature scheme (or none at
    /// all, which means the defaults, ECDSA among them) and, below TLS 1.3, offers an ECDHE-ECDSA suite.
    public var acceptsECDSA: Bool {
        let schemes: Set<UInt16> = [0x0403, 0x0503, 0x0603, 0x0203]
        guard signatureAlgorithms.isEmpty || signatureAlgorithms.contains(where: schemes.contains) else { return false }
        if version >= 0x0304 { return true }
        let suites: Set<UInt16> = [0xC02B, 0xC02C, 0xCCA9, 0xC009, 0xC00A, 0xC023, 0xC024]
        return cipherSuites.contains(where: suites.contains)
    }

    /// The version as HAProxy prints it.
    public static func versionName(_ version: UInt16) -> String {
        switch version {
        case 0x0300: "SSLv3"
        case 0x0301: "TLSv1"
        case 0x0302: "TLSv1.1"
        case 0x0303: "TLSv1.2"
        case 0x0304: "TLSv1.3"
        default: "0x" + String(version, radix: 16)
        }
    }
}
