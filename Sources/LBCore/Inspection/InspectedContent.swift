/// What `tcp-request inspect-delay` saw of a TCP connection's first bytes, for the `req.*` fetches of the
/// content rules and `use_backend`: how many bytes arrived, and the TLS ClientHello if they began one.
public final class InspectedContent: Sendable, Hashable {
    /// Bytes received so far (`req.len`).
    public let length: Int
    /// The ClientHello, when the bytes are a complete one (`req.ssl_sni`, `req.ssl_hello_type`).
    public let clientHello: TLSHello?
    /// The bytes themselves, as far as they were kept (`req.payload`, `req.rdp_cookie`).
    public let bytes: [UInt8]

    public init(length: Int, clientHello: TLSHello?, bytes: [UInt8] = []) {
        self.length = length
        self.clientHello = clientHello
        self.bytes = bytes
    }

    public static func == (lhs: InspectedContent, rhs: InspectedContent) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}
