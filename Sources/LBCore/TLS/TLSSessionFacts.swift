/// What the TLS handshake of a client connection established, for the `ssl_fc_*` / `ssl_c_*` fetches and
/// the log. Immutable and shared by reference: a connection's requests all read the same facts.
public final class TLSSessionFacts: Sendable, Hashable {
    /// The name the client asked for (SNI), if it sent one.
    public let serverName: String?
    /// The protocol version as HAProxy prints it (`TLSv1.3`).
    public let version: String
    /// The cipher suite, in OpenSSL's naming (`TLS_AES_128_GCM_SHA256`, `ECDHE-RSA-AES128-GCM-SHA256`).
    public let cipher: String
    /// The protocol ALPN chose (`h2`, `http/1.1`), if any.
    public let alpn: String?
    /// The session was resumed (a ticket or a cached session) rather than fully negotiated.
    public let resumed: Bool
    /// The client's certificate, when it presented one.
    public let clientCertificate: ClientCertificateFacts?
    /// `ssl_c_verify`: 0 when the client certificate (if any) verified, else the verification error code.
    public let verifyResult: Int

    public init(serverName: String?, version: String, cipher: String, alpn: String?, resumed: Bool,
                clientCertificate: ClientCertificateFacts?, verifyResult: Int) {
        self.serverName = serverName
        self.version = version
        self.cipher = cipher
        self.alpn = alpn
        self.resumed = resumed
        self.clientCertificate = clientCertificate
        self.verifyResult = verifyResult
    }

    public static func == (lhs: TLSSessionFacts, rhs: TLSSessionFacts) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}
