import LBConfig

/// What a PROXY protocol header says about the connection a proxy in front of lb accepted.
public struct ProxyProtocolHeader: Sendable, Hashable {
    /// The original client and the address it connected to; nil for a `LOCAL` (v2) or `UNKNOWN` (v1)
    /// header, where the connection's own addresses stand.
    public var source: IPAddress?
    public var sourcePort: Int
    public var destination: IPAddress?
    public var destinationPort: Int
    /// Bytes the header took: what follows is the client's own stream.
    public var length: Int

    public init(source: IPAddress?, sourcePort: Int, destination: IPAddress?, destinationPort: Int, length: Int) {
        self.source = source
        self.sourcePort = sourcePort
        self.destination = destination
        self.destinationPort = destinationPort
        self.length = length
    }
}
