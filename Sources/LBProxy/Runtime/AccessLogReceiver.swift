import LBLog

/// Takes the one record each finished HTTP request or TCP session produces. Called on the session's
/// event loop: an implementation must return at once (format into a buffer and queue it, never block).
public protocol AccessLogReceiver: Sendable {
    /// `frontend` is the index of the frontend in the plan (for per-proxy log settings).
    func record(_ record: LogRecord, frontend: Int)
}
