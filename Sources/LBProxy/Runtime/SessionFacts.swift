import LBConfig
import LBCore
import NIOCore

/// What `show sess` reports about one live session, copied on the session's own loop so that the
/// runtime API can render it from any thread.
struct SessionFacts: Sendable {
    /// HAProxy's states of a stream's server side (`enum sc_state`), the first number of `scb=[...]`.
    enum ServerSide: Int, Sendable {
        /// No server chosen yet.
        case initial = 0
        /// Waiting in a queue for a server slot.
        case queued = 2
        /// Connecting (or waiting to retry).
        case connecting = 5
        /// Connected to the server.
        case established = 8
        /// The exchange is over and the connection is closing.
        case disconnecting = 9
    }

    /// Identifies the session for as long as it lives (the address of its handler object).
    var id: UInt
    var isIPv6: Bool
    var source: String
    var sourcePort: Int
    var frontend: String
    /// nil until a backend is chosen (HAProxy then shows the frontend's name, as its stream's backend
    /// starts as the frontend).
    var backend: String?
    var server: String?
    /// Monotonic nanoseconds of the accept.
    var acceptedAt: UInt64
    /// Bytes received from the client and not forwarded yet.
    var requestBuffered: Int
    /// Bytes received from the server and not forwarded yet.
    var responseBuffered: Int
    var serverSide: ServerSide
    /// Nanoseconds until the session's timer fires; nil when none is set.
    var expiresIn: UInt64?
    /// Connection retries done so far (HAProxy's `rc`).
    var retries: Int

    init(session: AnyObject, connection: ConnectionInfo, frontend: String, acceptedAt: UInt64) {
        id = UInt(bitPattern: ObjectIdentifier(session))
        if case .v6 = connection.destination { isIPv6 = true } else { isIPv6 = false }
        source = connection.source?.description ?? "-"
        sourcePort = connection.sourcePort
        self.frontend = frontend
        self.acceptedAt = acceptedAt
        requestBuffered = 0
        responseBuffered = 0
        serverSide = .initial
        retries = 0
    }

    /// Time left before `deadline`, from `now` (monotonic nanoseconds).
    static func remaining(_ deadline: UInt64?, now: UInt64) -> UInt64? {
        guard let deadline else { return nil }
        return deadline > now ? deadline - now : 0
    }
}

extension HTTPSession {
    func sessionFacts(now: UInt64) -> SessionFacts? {
        switch machine.state {
        case .idle, .readingHead:
            // HAProxy creates a stream once a request head is complete: idle and half-received
            // connections are not listed.
            return nil
        case .routing, .queued, .connecting, .exchanging, .tunnel, .closing:
            break
        }
        var facts = SessionFacts(session: self, connection: connectionInfo, frontend: frontend.plan.name, acceptedAt: machine.acceptedAt)
        facts.requestBuffered = input.buffered
        if let exchange {
            facts.backend = exchange.backend.plan.name
            facts.server = exchange.serverIndex.map { exchange.backend.servers[$0].plan.name }
            facts.responseBuffered = exchange.responseBuffer?.readableBytes ?? 0
            facts.retries = machine.progress?.retriesDone ?? 0
        }
        switch machine.state {
        case .queued:
            facts.serverSide = .queued
        case .routing, .connecting:
            facts.serverSide = exchange?.serverIndex == nil ? .initial : .connecting
        default:
            facts.serverSide = upstream == nil ? .disconnecting : .established
        }
        facts.expiresIn = SessionFacts.remaining(machine.deadline.pending, now: now)
        return facts
    }
}
