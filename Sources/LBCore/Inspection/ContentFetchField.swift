/// The fetches that read a TCP connection's inspected first bytes.
enum ContentFetchField: Sendable, Hashable {
    /// `req.ssl_sni`: the SNI of the ClientHello.
    case serverName
    /// `req.len`: bytes received so far.
    case length
    /// `req.ssl_hello_type`: 1 for a ClientHello.
    case helloType

    static let byName: [String: ContentFetchField] = [
        "req.ssl_sni": .serverName, "req_ssl_sni": .serverName, "req.len": .length, "req_len": .length,
        "req.ssl_hello_type": .helloType, "req_ssl_hello_type": .helloType,
    ]

    var type: SampleType { self == .serverName ? .string : .integer }

    /// The value; nil when nothing was inspected (an HTTP frontend, no inspect-delay) or no ClientHello
    /// names a server.
    func value(_ content: InspectedContent?) -> SampleValue? {
        guard let content else { return nil }
        switch self {
        case .serverName: return content.clientHello?.serverName.map { .string(Substring($0)) }
        case .length: return .integer(content.length)
        case .helloType: return content.clientHello == nil ? nil : .integer(1)
        }
    }
}
