/// A listener's TLS settings (`bind ... ssl crt ...`), global defaults applied.
public struct BindTLS: Sendable, Hashable {
    /// `verify`: whether clients must present a certificate signed by `ca-file`.
    public enum Verify: String, Sendable, Hashable, CaseIterable {
        case none
        case optional
        case required
    }

    /// `crt`: PEM files (certificate, chain, key) and directories of them, paths resolved (`crt-base`).
    public var certificates: [String] = []
    /// `crt-list`: files listing certificates, each with its own SNI filters and options.
    public var certificateLists: [String] = []
    /// `alpn`: the protocols offered, in preference order.
    public var alpn: [String] = []
    /// The lowest and highest protocol versions accepted (TLS 1.2 and 1.3 unless set).
    public var minVersion: TLSProtocolVersion = .tls12
    public var maxVersion: TLSProtocolVersion = .tls13
    /// `ciphers` (TLS 1.2 and below) and `ciphersuites` (TLS 1.3), in OpenSSL's list syntax.
    public var ciphers: String?
    public var cipherSuites: String?
    /// `curves`: the key-exchange groups, colon-separated.
    public var curves: String?
    /// `ca-file`: the authorities client certificates are verified against.
    public var caFile: String?
    public var verify: Verify = .none
    /// `crl-file`: revoked client certificates.
    public var crlFile: String?
    /// `no-tls-tickets`: no stateless session resumption.
    public var noTLSTickets = false
    /// `strict-sni`: refuse a handshake whose SNI names no certificate (instead of using the default).
    public var strictSNI = false
    /// Where the `bind` line is, for errors about its files.
    public var location: SourceLocation

    public init(location: SourceLocation) {
        self.location = location
    }
}
