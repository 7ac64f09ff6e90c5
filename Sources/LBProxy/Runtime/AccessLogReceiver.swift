import LBCore
import LBLog

/// Takes the one record each finished HTTP request or TCP session produces. Called on the session's
/// event loop: an implementation must return at once (format into a buffer and queue it, never block).
/// Class-bound: the session reads it for every request, and a class reference is copied with one retain.
public protocol AccessLogReceiver: AnyObject, Sendable {
    /// `frontend` is the index of the frontend in the plan (for per-proxy log settings).
    func record(_ record: LogRecord, frontend: Int)
    /// As `record(_:frontend:)`, with what the log-format's `%[...]` expressions read: the request head
    /// (nil for a TCP session or a request that could not be parsed) and the client connection.
    func record(_ record: LogRecord, frontend: Int, request: HTTPRequestHead?, connection: ConnectionInfo?)
    /// A request's record as its numbers and its texts (written by `texts` in `LogTextField` order): how
    /// the HTTP session logs without building a `LogRecord`. `isError` is HAProxy's error record
    /// (`LogRecord.isError`), `uniqueID` the request's unique id (for `%[unique-id]`).
    func record(numbers: LogRecordNumbers, isError: Bool, uniqueID: String?, frontend: Int, request: HTTPRequestHead?,
                connection: ConnectionInfo?, texts: (inout LogRecordTexts) -> Void)
}

extension AccessLogReceiver {
    public func record(_ record: LogRecord, frontend: Int, request: HTTPRequestHead?, connection: ConnectionInfo?) {
        self.record(record, frontend: frontend)
    }

    /// Builds the `LogRecord` and hands it to `record(_:frontend:request:connection:)`.
    public func record(numbers: LogRecordNumbers, isError: Bool, uniqueID: String?, frontend: Int, request: HTTPRequestHead?,
                       connection: ConnectionInfo?, texts: (inout LogRecordTexts) -> Void) {
        record(LogRecord(numbers: numbers, texts: texts), frontend: frontend, request: request, connection: connection)
    }
}
