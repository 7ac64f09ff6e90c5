/// A `peers NAME` section: the nodes that share stick tables over HAProxy's peers protocol. One of them is
/// this process (the peer whose name is the local peer name, `-L` or the host name); it listens on its
/// address, and connects to every other one.
public struct PeersSection: Sendable, Hashable {
    /// A `peer NAME ADDR:PORT` line, or a `server NAME [ADDR:PORT]` line of the `bind` form (where the
    /// local server has no address: the `bind` line gives it).
    public struct Peer: Sendable, Hashable {
        public var name: String
        public var host: String?
        public var port: Int?
        public var location: SourceLocation

        public init(name: String, host: String?, port: Int?, location: SourceLocation) {
            self.name = name
            self.host = host
            self.port = port
            self.location = location
        }
    }

    /// An address to listen on or connect to.
    public struct Address: Sendable, Hashable {
        /// Nil: every address.
        public var host: String?
        public var port: Int
        public init(host: String?, port: Int) {
            self.host = host
            self.port = port
        }
    }

    public var name: String
    public var peers: [Peer] = []
    /// The `bind ADDR:PORT` line of the 2.x form, which gives the local peer's listening address.
    public var bind: Address?
    /// The name this process goes by in the section (`-L NAME`, else the host name).
    public var localPeerName: String
    /// `disabled`: the section is declared but nothing is synchronised.
    public var disabled = false
    public var location: SourceLocation

    public init(name: String, localPeerName: String, location: SourceLocation) {
        self.name = name
        self.localPeerName = localPeerName
        self.location = location
    }

    /// This process's entry; nil when no peer carries the local name (the section then does nothing).
    public var localPeer: Peer? { peers.first { $0.name == localPeerName } }

    /// Every other peer, which this process connects to.
    public var remotePeers: [Peer] { peers.filter { $0.name != localPeerName } }

    /// Where the local peer listens: the `bind` line, else its own `peer` line.
    public var listenAddress: Address? {
        if let bind { return bind }
        guard let local = localPeer, let port = local.port else { return nil }
        return Address(host: local.host, port: port)
    }
}
