import LBCore
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
    /// Per frontend, the `%[...]` expressions of its log-format, evaluated for each record.
    private let samples: [LogFormatSamples?]

    init(pipeline: LogPipeline, frontendLoggers: [LogHandle?], options: [Options], events: LogHandle?,
         samples: [LogFormatSamples?] = []) {
        self.pipeline = pipeline
        self.frontendLoggers = frontendLoggers
        self.options = options
        self.events = events
        self.samples = samples
    }

    public func record(_ record: LogRecord, frontend: Int) {
        self.record(record, frontend: frontend, request: nil, connection: nil)
    }

    public func record(_ record: LogRecord, frontend: Int, request: HTTPRequestHead?, connection: ConnectionInfo?) {
        guard frontend < frontendLoggers.count, let logger = frontendLoggers[frontend] else { return }
        let settings = options[frontend]
        if settings.dontLogNormal && !record.isError { return }
        var values: [String?] = []
        if frontend < samples.count, let expressions = samples[frontend], let connection {
            values = expressions.values(request: request, connection: connection, uniqueID: record.uniqueID)
        }
        pipeline.log(record, logger: logger, level: LogPipeline.level(for: record, separateErrors: settings.separateErrors),
                     samples: values)
    }

    public func record(numbers: LogRecordNumbers, isError: Bool, uniqueID: String?, frontend: Int, request: HTTPRequestHead?,
                       connection: ConnectionInfo?, texts: (inout LogRecordTexts) -> Void) {
        guard frontend < frontendLoggers.count, let logger = frontendLoggers[frontend] else { return }
        let settings = options[frontend]
        if settings.dontLogNormal && !isError { return }
        var values: [String?] = []
        if frontend < samples.count, let expressions = samples[frontend], let connection {
            values = expressions.values(request: request, connection: connection, uniqueID: uniqueID)
        }
        pipeline.log(numbers: numbers, logger: logger, level: LogPipeline.level(isError: isError, separateErrors: settings.separateErrors),
                     samples: values, texts: texts)
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
