/// Whether this node still has to learn the shared tables, as HAProxy decides it: a node that starts asks
/// one connected peer for a full resync; a peer that answers "finished" ends the matter, one that answers
/// "partial" (it was not up to date itself) is not asked again and another one is; a lesson cut short
/// lets another peer be asked; after 5 s without a lesson the node stops waiting. Times are
/// milliseconds on the caller's clock.
public struct PeerResync: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// Waiting for a connected peer to ask.
        case needed
        /// This peer was asked and is teaching.
        case learning(from: String)
        /// Learnt, or stopped waiting.
        case finished
    }

    public static let timeout: Int64 = 5000

    public private(set) var state: State
    /// When waiting stops (while `needed`).
    public private(set) var deadline: Int64
    /// Peers that taught a partial lesson: not asked again.
    public private(set) var notUpToDate: Set<String> = []

    /// `hasPeers`: without another node there is nothing to wait for.
    public init(now: Int64, hasPeers: Bool) {
        state = hasPeers ? .needed : .finished
        deadline = now + Self.timeout
    }

    public var isFinished: Bool { state == .finished }

    /// Whether to ask `peer`, connected now, for a resync; when so, it is the one learnt from.
    public mutating func shouldAsk(_ peer: String, now: Int64) -> Bool {
        expire(now: now)
        guard state == .needed, !notUpToDate.contains(peer) else { return false }
        state = .learning(from: peer)
        return true
    }

    /// Stops waiting once the deadline passed with no lesson under way.
    public mutating func expire(now: Int64) {
        if state == .needed, now >= deadline { state = .finished }
    }

    /// `peer` ended its lesson; `finished`: it was up to date itself.
    public mutating func ended(by peer: String, finished: Bool, now: Int64) {
        guard state == .learning(from: peer) else { return }
        if finished {
            state = .finished
        } else {
            notUpToDate.insert(peer)
            state = .needed
            deadline = now + Self.timeout
        }
    }

    /// The session with `peer` ended: a lesson it was giving is lost, another peer may be asked.
    public mutating func lost(_ peer: String) {
        if state == .learning(from: peer) { state = .needed }
    }

    public func isLearning(from peer: String) -> Bool { state == .learning(from: peer) }
}
