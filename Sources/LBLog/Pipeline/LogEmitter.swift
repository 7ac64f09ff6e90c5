/// The logging side of one thread: copies each record as bytes (`LogRecordWire`) into the thread's own
/// ring, which the writer drains and formats. Not thread-safe by design: create one per event loop with
/// ``LogPipeline/makeEmitter()`` and use it only there, like a NIO handler (``LogPipeline/log`` keeps one
/// per calling thread).
public final class LogEmitter {
    /// The pipeline's queue and its number of loggers, not the pipeline itself: the pipeline keeps an
    /// emitter of its own (for events), which must not keep the pipeline alive.
    private let queue: LogQueue
    private let loggerCount: Int
    private let ring: LogRing
    private var buffer = WireBuffer(capacity: 4096)

    init(pipeline: LogPipeline) {
        queue = pipeline.queue
        loggerCount = pipeline.formats.count
        ring = pipeline.queue.makeRing()
    }

    deinit { buffer.deallocate() }

    /// Queues `record` for the logger's targets; never blocks. `samples` are the values of the logger's
    /// `%[...]` expressions (``LogFormat/sampleExpressions``), in order.
    public func log(_ record: LogRecord, logger: LogHandle, level: SyslogLevel = .info, samples: [String?] = []) {
        guard logger.index < loggerCount else { return }
        LogRecordWire.encode(record, samples: samples, into: &buffer)
        push(.record, level: level, logger: logger)
    }

    /// Queues a record given as its numbers and its texts, which `texts` writes in `LogTextField` order
    /// straight from the caller's strings: the data plane's way of logging a request without building a
    /// `LogRecord`. `samples` are the values of the logger's `%[...]` expressions. `texts` must not log
    /// anything itself: it writes into this emitter's buffer.
    public func log(numbers: LogRecordNumbers, logger: LogHandle, level: SyslogLevel = .info, samples: [String?] = [],
                    texts: (inout LogRecordTexts) -> Void) {
        guard logger.index < loggerCount else { return }
        var writer = LogRecordTexts(numbers: numbers, into: buffer)
        texts(&writer)
        buffer = writer.finish(samples: samples)
        push(.record, level: level, logger: logger)
    }

    /// Queues a message already worded (a process event) for the logger's targets.
    func event(_ message: String, level: SyslogLevel, logger: LogHandle) {
        guard logger.index < loggerCount else { return }
        buffer.count = 0
        buffer.appendBytes(of: message, counted: false)
        push(.message, level: level, logger: logger)
    }

    private func push(_ kind: LogRing.Kind, level: SyslogLevel, logger: LogHandle) {
        let microseconds = SystemClock.microseconds()
        queue.push(into: ring, kind: kind, level: level, logger: logger.index, microseconds: microseconds,
                            payload: buffer.bytes)
    }
}
