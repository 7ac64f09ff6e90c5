import LBConfig
import LBCore
import NIOCore

/// What this node knows of one other node of a peers section, across its connections: where it is, the
/// live session if any, and the counts `show peers` reports. Confined to the section's event loop.
final class RemotePeer {
    let name: String
    let address: SocketAddress?
    let addressText: String
    /// The session in use: connecting, handshaking or established. At most one at a time.
    var connection: PeerConnection?
    /// Not before this time does this node connect again.
    var reconnectAt = NIODeadline.uptimeNanoseconds(0)
    /// The last handshake's status (HAProxy's codes, 100 connecting, 110 handshaking); 0 before any.
    var statusCode = 0
    var lastHandshake: NIODeadline?
    /// For each shared table (by index): the last local change the peer acknowledged. A new session
    /// resumes pushing after it.
    var acknowledged: [UInt64]
    var sentHeartbeats = 0
    var receivedHeartbeats = 0
    var missedHeartbeats = 0
    var newConnections = 0
    var protocolErrors = 0
    var collisions = 0

    init(_ peer: PeersSection.Peer, tables: Int) {
        name = peer.name
        addressText = "\(peer.host ?? "0.0.0.0"):\(peer.port ?? 0)"
        address = peer.host.flatMap { host in peer.port.flatMap { try? SocketAddress.makeAddressResolvingHost(host, port: $0) } }
        acknowledged = Array(repeating: 0, count: tables)
    }
}
