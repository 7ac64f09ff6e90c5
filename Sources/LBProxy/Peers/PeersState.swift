import LBConfig
import LBCore
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// One peers section at run time, confined to its event loop: the remote peers and their sessions, the
/// shared tables, and whether this node has learnt the tables since it started.
///
/// As in HAProxy: every node listens and connects to every other node, one session per pair (an
/// accepted session replaces the one in place); local changes are pushed as they happen; a node that
/// starts asks one connected peer for a full resync, and gives up waiting after 5 s.
final class PeersState {
    static let reconnectTimeout = TimeAmount.seconds(5)
    static let heartbeatInterval = TimeAmount.seconds(3)
    /// A session that received nothing for this long is dead (the other side sends heartbeats every 3 s).
    static let silenceLimit = TimeAmount.seconds(8)

    let section: PeersSection
    let tables: [SharedTable]
    let remotes: [RemotePeer]
    let loop: EventLoop
    let pid: Int32
    private(set) var resync: PeerResync
    /// When a session last came up or went down (wall clock, for `show peers`).
    var lastChange = time(nil)
    var taskCalls = 0
    var stopped = false
    /// Creates the outbound session to a peer; set by the service, which knows how to dial.
    var dial: ((RemotePeer) -> Void)?

    init(section: PeersSection, tables: [SharedTable], loop: EventLoop, pid: Int32) {
        self.section = section
        self.tables = tables
        self.loop = loop
        self.pid = pid
        remotes = section.remotePeers.map { RemotePeer($0, tables: tables.count) }
        resync = PeerResync(now: ProxyRuntime.stickClock(), hasPeers: !remotes.isEmpty)
    }

    func remote(named name: String) -> RemotePeer? { remotes.first { $0.name == name } }

    /// The periodic work: connect where no session is, push local changes, send heartbeats, drop
    /// silent sessions, and stop waiting for a resync that does not come.
    func tick(now: NIODeadline = .now()) {
        taskCalls += 1
        guard !stopped else { return }
        resync.expire(now: ProxyRuntime.stickClock())
        for remote in remotes {
            guard let connection = remote.connection else {
                if now >= remote.reconnectAt, remote.address != nil {
                    remote.reconnectAt = now + Self.reconnectTimeout
                    remote.statusCode = 100
                    dial?(remote)
                }
                continue
            }
            // A dialled session still in its handshake is bounded by the connection's own timer.
            guard connection.isEstablished else { continue }
            if now - connection.lastReceived > Self.silenceLimit {
                remote.missedHeartbeats += 1
                remote.reconnectAt = now + .milliseconds(Int64.random(in: 50...2050))
                connection.close()
                continue
            }
            askForResync(remote, connection)
            connection.pushLocalChanges()
            if now - connection.lastSent >= Self.heartbeatInterval {
                remote.sentHeartbeats += 1
                connection.send(.heartbeat)
            }
            connection.flush()
        }
    }

    private func askForResync(_ remote: RemotePeer, _ connection: PeerConnection) {
        guard resync.shouldAsk(remote.name, now: ProxyRuntime.stickClock()) else { return }
        connection.send(.resyncRequest)
    }

    /// A session completed its handshake.
    func established(_ remote: RemotePeer, _ connection: PeerConnection) {
        remote.statusCode = PeerHandshake.Status.success.rawValue
        remote.lastHandshake = .now()
        remote.newConnections += 1
        lastChange = time(nil)
        askForResync(remote, connection)
        connection.pushLocalChanges()
        connection.flush()
    }

    /// The peer taught its tables; `finished`: it was itself up to date.
    func learnt(from remote: RemotePeer, finished: Bool) {
        resync.ended(by: remote.name, finished: finished, now: ProxyRuntime.stickClock())
    }

    /// A session ended.
    func closed(_ remote: RemotePeer, _ connection: PeerConnection) {
        guard remote.connection === connection else { return }
        remote.connection = nil
        resync.lost(remote.name)
        lastChange = time(nil)
    }

    /// An accepted session says it comes from `remote`: it replaces the session in place, and the
    /// other side waits a random moment before dialling again, so that the two do not keep crossing.
    func adopt(_ connection: PeerConnection, for remote: RemotePeer) {
        if let previous = remote.connection, previous !== connection {
            remote.collisions += 1
            remote.reconnectAt = .now() + .milliseconds(Int64.random(in: 50...2050))
            remote.connection = nil
            resync.lost(remote.name)
            previous.close()
        }
        remote.connection = connection
    }

    func stop() {
        stopped = true
        for remote in remotes { remote.connection?.close() }
    }
}
