/// The TLS options of a `server` (or `default-server`) line: how lb speaks TLS to that server.
public struct ServerTLS: Sendable, Hashable {
    /// `verify`: whether the server's certificate must chain to `ca-file` (and match the expected name).
    public enum Verify: String, Sendable, Hashable, CaseIterable {
        case none
        case required
    }

    /// `ssl` / `no-ssl`: traffic to the server is encrypted.
    public var enabled = false
    /// `verify`, nil when the line does not say: the global `ssl-server-verify` then decides (required
    /// unless set otherwise, as in HAProxy).
    public var verify: Verify?
    /// `ca-file`: the authorities the server's certificate is verified against (path resolved with `ca-base`).
    public var caFile: String?
    /// `crt`: a PEM file with the client certificate (and its key) lb presents when the server asks.
    public var certificate: String?
    /// `sni`: the sample expression whose value is sent as the server name, evaluated per connection.
    public var serverName: String?
    /// `verifyhost`: the name the certificate must match when no SNI was sent.
    public var verifyHost: String?
    /// `alpn`: the protocols offered, in preference order.
    public var alpn: [String] = []
    /// The lowest and highest protocol versions offered (TLS 1.2 and 1.3 unless set).
    public var minVersion: TLSProtocolVersion = .tls12
    public var maxVersion: TLSProtocolVersion = .tls13
    /// `ciphers` (TLS 1.2 and below), in OpenSSL's list syntax.
    public var ciphers: String?
    /// `curves`: the key-exchange groups, colon-separated.
    public var curves: String?
    /// `check-ssl` / `no-check-ssl`; nil follows `ssl`, unless `port` or `addr` sends checks elsewhere.
    public var checkSSL: Bool?
    /// `check-sni`: the server name sent by health checks (a plain string, not an expression).
    public var checkServerName: String?
    /// `no-ssl-reuse` clears it: every connection makes a full handshake.
    public var sessionReuse = true
    /// `no-tls-tickets`: no stateless session tickets.
    public var noTLSTickets = false

    public init() {}

    /// Whether health checks of a server with these settings go over TLS: `check-ssl`, or `ssl` when the
    /// checks go to the traffic's own address (HAProxy's rule: an explicit `port` or `addr` drops it).
    public func checksUseTLS(checkPort: Int?, checkAddress: String?) -> Bool {
        if let checkSSL { return checkSSL }
        return enabled && checkPort == nil && checkAddress == nil
    }
}
