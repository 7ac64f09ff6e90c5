/// What `tcp-request inspect-delay` saw of a TCP connection's first bytes, for the `req.*` fetches of the
/// content rules and `use_backend`: how many bytes arrived, and the TLS ClientHello if they began one.
public final class InspectedContent: Sendable, Hashable {
    /// Bytes received so far (`req.len`).
    public let length: Int
    /// The ClientHello, when the bytes are a complete one (`req.ssl_sni`, `req.ssl_hello_type`).
    public let clientHello: TLSHello?

    public init(length: Int, clientHello: TLSHello?) {
        self.length = length
        self.clientHello = clientHello
    }

    public static func == (lhs: InspectedContent, rhs: InspectedContent) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}
