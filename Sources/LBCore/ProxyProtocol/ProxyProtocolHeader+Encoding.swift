import LBConfig

extension ProxyProtocolHeader {
    /// A header naming a connection's addresses, to be written (its `length` is the encoder's business).
    public init(source: IPAddress?, sourcePort: Int, destination: IPAddress?, destinationPort: Int) {
        self.init(source: source, sourcePort: sourcePort, destination: destination, destinationPort: destinationPort, length: 0)
    }

    /// A header that names no client (`PROXY UNKNOWN`, or version 2's `LOCAL`).
    public static let unnamed = ProxyProtocolHeader(source: nil, sourcePort: 0, destination: nil, destinationPort: 0)

    /// The header's bytes in `version`, as `ProxyProtocolParser` reads them back.
    ///
    /// Without both addresses the header says nothing about a client: version 1 writes `PROXY UNKNOWN`,
    /// version 2 the `LOCAL` command (what a proxy sends for its own connections, such as health checks).
    /// When one address is IPv4 and the other IPv6, the IPv4 one is written IPv4-mapped, so that both fit
    /// one family.
    public func encoded(_ version: ProxyProtocolVersion) -> [UInt8] {
        let pair = addressPair
        switch version {
        case .v1:
            guard let (source, destination) = pair else { return Array("PROXY UNKNOWN\r\n".utf8) }
            let family = source.isV4 ? "TCP4" : "TCP6"
            return Array("PROXY \(family) \(source) \(destination) \(sourcePort) \(destinationPort)\r\n".utf8)
        case .v2:
            var bytes = ProxyProtocolParser.v2Signature
            guard let (source, destination) = pair else {
                // Version 2, LOCAL; family UNSPEC; no address block.
                bytes += [0x20, 0x00, 0, 0]
                return bytes
            }
            var addresses: [UInt8] = []
            switch (source, destination) {
            case (.v4(let from), .v4(let to)):
                bytes += [0x21, 0x11]
                addresses += Self.bigEndian(UInt128(from), count: 4) + Self.bigEndian(UInt128(to), count: 4)
            case (.v6(let from), .v6(let to)):
                bytes += [0x21, 0x21]
                addresses += Self.bigEndian(from, count: 16) + Self.bigEndian(to, count: 16)
            default:
                preconditionFailure("addressPair returns one family")
            }
            addresses += Self.bigEndian(UInt128(sourcePort), count: 2) + Self.bigEndian(UInt128(destinationPort), count: 2)
            bytes += Self.bigEndian(UInt128(addresses.count), count: 2)
            return bytes + addresses
        }
    }

    /// Both addresses in one family, or nil when one is missing.
    private var addressPair: (IPAddress, IPAddress)? {
        guard let source, let destination else { return nil }
        switch (source, destination) {
        case (.v4, .v6(_)), (.v6, .v4(_)):
            return (Self.mapped(source), Self.mapped(destination))
        default:
            return (source, destination)
        }
    }

    private static func mapped(_ address: IPAddress) -> IPAddress {
        if case .v4(let value) = address { return .v6(UInt128(0xffff) << 32 | UInt128(value)) }
        return address
    }

    private static func bigEndian(_ value: UInt128, count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: value >> (UInt128(count - 1 - $0) * 8)) }
    }
}
