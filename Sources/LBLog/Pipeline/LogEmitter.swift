/// Formats records for one event loop: renders the line straight into a reused byte buffer (with the
/// formatted date cached for the current second) and hands a copy to the pipeline's queue. Not
/// thread-safe by design: create one per event loop with ``LogPipeline/makeEmitter()`` and use it only
/// there, like a NIO handler.
public final class LogEmitter {
    private let pipeline: LogPipeline
    private var buffer: [UInt8] = []
    private var context: LogRenderContext

    init(pipeline: LogPipeline) {
        self.pipeline = pipeline
        context = LogRenderContext(hostname: pipeline.configuration.hostname ?? SystemClock.hostname, pid: pipeline.configuration.pid)
        buffer.reserveCapacity(2048)
    }

    /// Formats `record` with the logger's format and queues it; never blocks. `samples` are the values
    /// of the logger's `%[...]` expressions (``LogFormat/sampleExpressions``), in order.
    public func log(_ record: LogRecord, logger: LogHandle, level: SyslogLevel = .info, samples: [String?] = []) {
        guard logger.index < pipeline.formats.count else { return }
        buffer.removeAll(keepingCapacity: true)
        if pipeline.wantsStructuredData[logger.index] { LBStructuredData.render(record, into: &buffer) }
        let structuredDataLength = buffer.count
        context.logCounter &+= 1
        var isJSON = false
        switch pipeline.formats[logger.index] {
        case .httplog: HTTPLogLine.render(record, context: &context, into: &buffer)
        case .tcplog: LogFormat.tcplog.render(record, samples: samples, context: &context, into: &buffer)
        case .httplogCLF: LogFormat.httplogCLF.render(record, samples: samples, context: &context, into: &buffer)
        case .json:
            JSONRecordFormat.render(record, into: &buffer)
            isJSON = true
        case .custom(let format):
            format.render(record, samples: samples, context: &context, into: &buffer)
            isJSON = format.isJSON
        }
        pipeline.queue.enqueue(QueuedLogMessage(
            logger: logger.index, level: level, microseconds: SystemClock.microseconds(),
            bytes: Array(buffer), structuredDataLength: structuredDataLength, isJSON: isJSON))
    }
}
