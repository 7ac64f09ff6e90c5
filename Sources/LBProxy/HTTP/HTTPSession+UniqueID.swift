import LBCore
import LBLog

extension HTTPSession {
    /// Gives the current request its process-wide number (`%rt`), once, when the frontend's formats print
    /// it; other frontends never touch the shared counter.
    func numberRequestIfNeeded() {
        guard frontend.countsRequests, record.number == nil else { return }
        record.number = runtime.requestCounter.loadThenWrappingIncrement(ordering: .relaxed)
    }

    /// Computes the request's unique id from what is known once its head is complete: before any rule
    /// runs and before a backend is chosen (so `%b` prints the frontend, as in HAProxy), and so that the
    /// rules can read it as `%[unique-id]`. Does nothing without `unique-id-format`.
    func assignUniqueID() {
        guard let generator = frontend.uniqueID, record.uniqueID == nil else { return }
        numberRequestIfNeeded()
        record.uniqueID = generator.make(from: buildRecord(status: -1, termination: .normal, serverName: nil, end: monotonicNow()),
                                  request: record.head, connection: connectionInfo)
    }

    /// Fills the unique id of a record about to be sent. A request that ended before its head was complete
    /// (a bad or cut request) has none yet: it is computed from the record itself, as HAProxy does when
    /// it logs such a request.
    func completeUniqueID(_ logRecord: inout LogRecord) {
        ensureUniqueID(from: logRecord)
        if frontend.uniqueID != nil { logRecord.uniqueID = record.uniqueID }
    }

    /// Computes the unique id from `record` (built only when needed) if the request has none yet.
    func ensureUniqueID(from logRecord: @autoclosure () -> LogRecord) {
        guard record.uniqueID == nil, let generator = frontend.uniqueID else { return }
        record.uniqueID = generator.make(from: logRecord(), request: record.head, connection: connectionInfo)
    }
}
