import LBLog

/// The access log of a running lb: routes each record to its frontend's logger (with the frontend's
/// `dontlog-normal` and `log-separate-errors`) and process events to the global targets.
public final class PipelineAccessLog: AccessLogReceiver, Sendable {
    struct Options: Sendable {
        var dontLogNormal: Bool
        var separateErrors: Bool
    }

    public let pipeline: LogPipeline
    private let frontendLoggers: [LogHandle?]
    private let options: [Options]
    private let events: LogHandle?

    init(pipeline: LogPipeline, frontendLoggers: [LogHandle?], options: [Options], events: LogHandle?) {
        self.pipeline = pipeline
        self.frontendLoggers = frontendLoggers
        self.options = options
        self.events = events
    }

    public func record(_ record: LogRecord, frontend: Int) {
        guard frontend < frontendLoggers.count, let logger = frontendLoggers[frontend] else { return }
        let settings = options[frontend]
        if settings.dontLogNormal && !record.isError { return }
        pipeline.log(record, logger: logger, level: LogPipeline.level(for: record, separateErrors: settings.separateErrors))
    }

    /// Sends a process event (server state change...) to the global log targets.
    public func event(_ message: String, level: SyslogLevel) {
        guard let events else { return }
        pipeline.event(message, level: level, logger: events)
    }

    /// `show info` facts about logging.
    public var facts: [(String, String)] {
        let counters = pipeline.counters
        return [
            ("DroppedLogs", String(counters.dropped)),
            ("LogQueueBytes", String(counters.queuedBytes)),
        ]
    }
}
