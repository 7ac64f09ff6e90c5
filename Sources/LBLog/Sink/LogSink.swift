/// A destination for formatted messages. Every method is called on the log writer thread only, so a
/// sink needs no locking of its own except for its counters, which other threads read.
protocol LogSink: AnyObject {
    var counters: SinkCounterBox { get }
    /// How a message is framed for this sink, and the default `len` when the target sets none.
    var framing: SinkFraming { get }
    /// Sends or buffers one framed message (header and body, without the trailing newline).
    func write(_ message: ArraySlice<UInt8>)
    /// Called after each batch and at least every writer tick: time-based flushes, reconnections.
    func tick(nowNanoseconds: UInt64)
    /// When the sink wants its next tick, if sooner than the writer's own (monotonic nanoseconds).
    var dueNanoseconds: UInt64? { get }
    /// Writes out whatever is buffered (a flush or shutdown).
    func flush()
    /// Re-opens files (SIGHUP, `reopen logs`); a no-op for sockets.
    func reopen()
    func close()
}

extension LogSink {
    var dueNanoseconds: UInt64? { nil }
}

enum SinkFraming {
    /// One datagram per message: truncated to `len - 1` bytes, then `\n`.
    case datagram
    /// A byte stream of lines: `\n` after each message, never truncated unless `len` is set.
    case lines
    /// RFC 6587 octet counting: `LEN SP MESSAGE`.
    case octetCounted
}

/// Counters of one sink, readable from any thread.
final class SinkCounterBox: @unchecked Sendable {
    let name: String
    private let lock = LogLock()
    private var value = LogSinkCounters(name: "")
    private var reportedFailure = false

    init(name: String) {
        self.name = name
        value.name = name
    }

    func written(records: Int, bytes: Int) {
        lock.withLock {
            value.recordsWritten &+= UInt64(records)
            value.bytesWritten &+= UInt64(bytes)
        }
    }

    func dropped(_ records: Int) { lock.withLock { value.recordsDropped &+= UInt64(records) } }

    /// Records a failure; returns true the first time after a success (the caller reports it once).
    func failed(_ message: String) -> Bool {
        lock.withLock {
            value.errors &+= 1
            value.lastError = message
            defer { reportedFailure = true }
            return !reportedFailure
        }
    }

    /// The sink works again: a later failure is reported anew.
    func recovered() { lock.withLock { reportedFailure = false } }

    func set(connected: Bool) { lock.withLock { value.connected = connected } }

    var snapshot: LogSinkCounters { lock.withLock { value } }
}

/// What one sink has done since start.
public struct LogSinkCounters: Sendable, Equatable {
    /// The target as configured (`127.0.0.1:514`, `file@/var/log/lb/access.log.gz`).
    public var name: String
    public var recordsWritten: UInt64 = 0
    public var bytesWritten: UInt64 = 0
    /// Records this sink could not deliver (socket buffer full, peer down beyond the bound, disk error).
    public var recordsDropped: UInt64 = 0
    public var errors: UInt64 = 0
    public var lastError: String?
    /// For connection-oriented sinks (tcp@): whether the connection is up.
    public var connected = true
}
