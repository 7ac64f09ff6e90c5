/// The parts of a client certificate the `ssl_c_*` fetches return.
public struct ClientCertificateFacts: Sendable, Hashable {
    /// Subject and issuer distinguished names, written as HAProxy does (`/C=FR/O=Example/CN=client`).
    public var subject: String
    public var issuer: String
    /// The serial number, in upper-case hexadecimal.
    public var serial: String
    /// The SHA-1 of the certificate's DER encoding, in upper-case hexadecimal.
    public var sha1: String

    public init(subject: String, issuer: String, serial: String, sha1: String) {
        self.subject = subject
        self.issuer = issuer
        self.serial = serial
        self.sha1 = sha1
    }
}
