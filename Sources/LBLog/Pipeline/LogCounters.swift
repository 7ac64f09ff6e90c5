/// The pipeline's counters, for `show info` (DroppedLogs) and the metrics
/// (`haproxy_process_dropped_logs_total`).
public struct LogCounters: Sendable, Equatable {
    /// Records refused because the queue was full (or the pipeline stopped).
    public var droppedInQueue: UInt64
    /// Records accepted by the queue.
    public var enqueued: UInt64
    public var queuedMessages: Int
    public var queuedBytes: Int
    public var queueCapacityBytes: Int
    public var sinks: [LogSinkCounters]

    /// DroppedLogs: refused by the queue plus not delivered by a sink.
    public var dropped: UInt64 { sinks.reduce(droppedInQueue) { $0 &+ $1.recordsDropped } }
}
