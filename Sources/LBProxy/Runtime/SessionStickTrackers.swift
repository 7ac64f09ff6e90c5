import LBConfig
import LBCore

/// One client connection's stick counter trackers (`track-sc0..2`) and its way into the tables. Lives
/// on the session's event loop; every table access takes that table's lock for one short operation.
///
/// Trackers started by `tcp-request connection` rules last as long as the connection; those started
/// by `http-request` rules end with their request, as HAProxy's streams do.
final class SessionStickTrackers: StickCounterAccess {
    private struct Tracker {
        var table: Int
        var reference: StickReference
        var endsWithRequest: Bool
    }

    private let tables: [StickTableLock]
    private var trackers: [Tracker?] = [nil, nil, nil]
    /// True while `http-request` rules run: trackers they start end with the request and count it.
    var inRequest = false

    init(tables: [StickTableLock]) { self.tables = tables }

    var isTracking: Bool { trackers.contains { $0 != nil } }

    func tracked(_ slot: Int, _ operation: StickCounterOperation) -> Int? {
        guard slot < trackers.count, let tracker = trackers[slot] else { return nil }
        if operation == .isTracked { return 1 }
        let now = ProxyRuntime.stickClock()
        return tables[tracker.table].withLock { $0.perform(operation, on: tracker.reference, now: now) }
    }

    func keyed(_ key: String, table: Int, _ operation: StickCounterOperation) -> Int? {
        guard table < tables.count else { return nil }
        let now = ProxyRuntime.stickClock()
        return tables[table].withLock { $0.perform(operation, key: key, now: now) }
    }

    func track(_ slot: Int, table: Int, key: String) {
        guard slot < trackers.count, trackers[slot] == nil, table < tables.count else { return }
        let now = ProxyRuntime.stickClock()
        let countsRequest = inRequest
        let reference = tables[table].withLock { store -> StickReference? in
            guard let reference = store.track(key, now: now) else { return nil }
            // A request tracked from its own rules counts at once: the rules after this one see it.
            if countsRequest { _ = store.update(reference) { $0.countRequest($1, now: now) } }
            return reference
        }
        guard let reference else { return }
        trackers[slot] = Tracker(table: table, reference: reference, endsWithRequest: inRequest)
    }

    /// A connection passed its `tcp-request connection` rules: it is a session for the tracked entries.
    func sessionAccepted() {
        forEachTracker { counters, stored, now in counters.countSession(stored, now: now) }
    }

    /// A new request on this connection: the trackers it already has count it.
    func requestStarted() {
        forEachTracker { counters, stored, now in counters.countRequest(stored, now: now) }
    }

    /// The request ended: its bytes and error (if it is one) go to every tracked entry, and trackers
    /// started by its rules are let go.
    func requestEnded(bytesIn: Int, bytesOut: Int, isError: Bool) {
        forEachTracker { counters, stored, now in
            counters.addBytes(in: bytesIn, out: bytesOut, stored, now: now)
            if isError { counters.countError(stored, now: now) }
        }
        release { $0.endsWithRequest }
    }

    /// The connection closed: every tracker is let go.
    func connectionEnded() {
        release { _ in true }
    }

    private func forEachTracker(_ body: (inout StickCounters, StickStoredData, Int64) -> Void) {
        guard isTracking else { return }
        let now = ProxyRuntime.stickClock()
        for case let tracker? in trackers {
            tables[tracker.table].withLock { store in _ = store.update(tracker.reference) { body(&$0, $1, now) } }
        }
    }

    private func release(where shouldRelease: (Tracker) -> Bool) {
        guard isTracking else { return }
        let now = ProxyRuntime.stickClock()
        for slot in trackers.indices {
            guard let tracker = trackers[slot], shouldRelease(tracker) else { continue }
            tables[tracker.table].withLock { $0.release(tracker.reference, now: now) }
            trackers[slot] = nil
        }
    }
}
