/// The fetches that read a TCP connection's inspected first bytes.
enum ContentFetchField: Sendable, Hashable {
    /// `req.ssl_sni`: the SNI of the ClientHello.
    case serverName
    /// `req.len`: bytes received so far.
    case length
    /// `req.ssl_hello_type`: 1 for a ClientHello.
    case helloType
    /// `req.payload(OFFSET,LENGTH)`: those bytes (LENGTH 0: all from OFFSET on).
    case payload(offset: Int, length: Int)
    /// `req.rdp_cookie([NAME])` and `req.rdp_cookie_cnt([NAME])`: the RDP cookie, and how many there are.
    case rdpCookie(name: String?)
    case rdpCookieCount(name: String?)

    static let byName: [String: ContentFetchField] = [
        "req.ssl_sni": .serverName, "req_ssl_sni": .serverName, "req.len": .length, "req_len": .length,
        "req.ssl_hello_type": .helloType, "req_ssl_hello_type": .helloType,
    ]

    var type: SampleType {
        switch self {
        case .serverName, .payload, .rdpCookie: .string
        case .length, .helloType, .rdpCookieCount: .integer
        }
    }

    /// The value; nil when nothing was inspected (an HTTP frontend, no inspect-delay) or the bytes hold
    /// no such thing.
    func value(_ content: InspectedContent?) -> SampleValue? {
        guard let content else { return nil }
        switch self {
        case .serverName: return content.clientHello?.serverName.map { .string(Substring($0)) }
        case .length: return .integer(content.length)
        case .helloType: return content.clientHello == nil ? nil : .integer(1)
        case .payload(let offset, let length):
            let bytes = content.bytes
            let end = length == 0 ? bytes.count : offset + length
            guard offset <= bytes.count, end <= bytes.count else { return nil }
            // One character per byte, so that `-m len` and positions count bytes.
            var text = String.UnicodeScalarView()
            text.append(contentsOf: bytes[offset..<end].map { Unicode.Scalar($0) })
            return .string(Substring(String(text)))
        case .rdpCookie(let name):
            return RDPConnectionRequest.cookie(in: content.bytes, name: name).map { .string($0) }
        case .rdpCookieCount(let name):
            return .integer(RDPConnectionRequest.cookie(in: content.bytes, name: name) == nil ? 0 : 1)
        }
    }
}
