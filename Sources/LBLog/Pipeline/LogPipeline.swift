import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The access-log pipeline the data plane calls: copies each record as bytes into the calling thread's
/// own ring without blocking, and one writer thread formats it (line format, syslog header, `len`) and
/// delivers it to the targets of its logger. Formatting on the writer keeps it off the event loops,
/// which carry the traffic.
///
/// ``log(_:logger:level:samples:)`` may be called from any thread: it queues through an emitter private
/// to the calling thread (kept in thread-local storage, so event loops share no lock and each has its
/// own ring). A caller that prefers explicit ownership keeps one ``LogEmitter`` per event loop
/// (`makeEmitter()`). Neither ever blocks on I/O; a full ring drops the record and counts it.
/// Call ``shutdown(timeout:)`` before exit: it delivers what is queued and closes the files.
public final class LogPipeline: @unchecked Sendable {
    /// The default `len` of socket targets for JSON loggers: a JSON record's keys alone take about 900
    /// of HAProxy's 1024 bytes; 8 KiB is what rsyslog accepts by default.
    static let jsonSocketLength = 8192

    let configuration: LogPipelineConfiguration
    let queue: LogQueue
    /// Per logger: its line format and whether a target wants RFC 5424 structured data.
    let formats: [LogLineFormat]
    let wantsStructuredData: [Bool]
    private let names: [String: Int]
    private let sinks: [LogSink]
    private let writer: LogWriter
    /// Thread-local `LogEmitter` of each calling thread.
    private var emitterKey = pthread_key_t()
    /// Process events come from any thread, short-lived ones included (a dispatch queue's workers): those
    /// that log no records share one emitter under a lock rather than leave a ring behind each.
    private let eventLock = LogLock()
    private var eventEmitter: LogEmitter?

    public init(_ configuration: LogPipelineConfiguration) throws(LogPipelineError) {
        self.configuration = configuration
        queue = LogQueue(capacityBytes: configuration.queueCapacityBytes)
        let onError = configuration.onError ?? { _ in }
        var sinksByKey: [String: Int] = [:]
        var sinks: [LogSink] = []
        var loggers: [LogWriter.Logger] = []
        var names: [String: Int] = [:]
        for (index, spec) in configuration.loggers.enumerated() {
            names[spec.name] = names[spec.name] ?? index
            var targets: [LogWriter.Target] = []
            for target in spec.targets {
                let key = target.target + "|" + target.options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                let sinkIndex: Int
                if let existing = sinksByKey[key] {
                    sinkIndex = existing
                } else {
                    sinks.append(try Self.makeSink(target, queueBytes: configuration.queueCapacityBytes, onError: onError))
                    sinkIndex = sinks.count - 1
                    sinksByKey[key] = sinkIndex
                }
                let address = try LogTargetAddress.parse(target.target)
                let format: SyslogFormat
                if let explicit = target.format {
                    format = explicit
                } else if case .file = address {
                    format = .file
                } else {
                    format = configuration.hostname == nil ? .local : .rfc3164
                }
                let sink = sinks[sinkIndex]
                let length = target.length ?? (sink.framing == .lines ? nil : spec.format.isJSON ? Self.jsonSocketLength : 1024)
                targets.append(LogWriter.Target(
                    sink: sinkIndex,
                    header: SyslogHeader(format: format, facility: target.facility, tag: spec.tag ?? configuration.tag,
                                         hostname: configuration.hostname, pid: configuration.pid),
                    length: length, maxLevel: target.maxLevel, minLevel: target.minLevel, framing: sink.framing))
            }
            loggers.append(LogWriter.Logger(targets: targets))
        }
        formats = configuration.loggers.map(\.format)
        wantsStructuredData = loggers.map { $0.targets.contains { $0.header.format == .rfc5424 } }
        self.names = names
        self.sinks = sinks
        writer = LogWriter(queue: queue, loggers: loggers, formats: formats, wantsStructuredData: wantsStructuredData,
                           context: LogRenderContext(hostname: configuration.hostname ?? SystemClock.hostname, pid: configuration.pid),
                           sinks: sinks)
        writer.start()
        eventEmitter = LogEmitter(pipeline: self)
        pthread_key_create(&emitterKey) { raw in
            #if canImport(Glibc)
            guard let raw else { return }
            #endif
            Unmanaged<LogEmitter>.fromOpaque(raw).release()
        }
    }

    static func makeSink(_ spec: LogTargetSpec, queueBytes: Int, onError: @escaping @Sendable (String) -> Void) throws(LogPipelineError) -> LogSink {
        switch try LogTargetAddress.parse(spec.target) {
        case .udp(let host, let port):
            return DatagramSink(name: spec.target, destination: try SocketAddress.resolve(host: host, port: port), onError: onError)
        case .unixDatagram(let path):
            return DatagramSink(name: spec.target, destination: try SocketAddress.unix(path: path), onError: onError)
        case .descriptor(let descriptor):
            return DescriptorSink(name: spec.target, descriptor: descriptor, onError: onError)
        case .tcp(let host, let port):
            return TCPSink(name: spec.target, destination: try SocketAddress.resolve(host: host, port: port),
                           bufferLimit: queueBytes, onError: onError)
        case .file(let path):
            return RotatingGzipFileSink(name: spec.target, path: path, options: try FileSinkOptions(spec.options), onError: onError)
        }
    }

    /// The handle of the logger named `name` (the first one, if several share it).
    public func handle(named name: String) -> LogHandle? { names[name].map(LogHandle.init) }

    /// The handles in the order of `configuration.loggers`.
    public var handles: [LogHandle] { formats.indices.map(LogHandle.init) }

    /// An emitter with its own ring and buffer: one per event loop, used only there. (Events sent with
    /// ``event(_:level:logger:)`` from that thread go through another ring, so they may come out of
    /// order with its records.)
    public func makeEmitter() -> LogEmitter { LogEmitter(pipeline: self) }

    /// Queues `record` through the calling thread's emitter (the writer formats it); never blocks.
    /// `samples` are the values of the logger's `%[...]` expressions (``LogFormat/sampleExpressions``).
    public func log(_ record: LogRecord, logger: LogHandle, level: SyslogLevel = .info, samples: [String?] = []) {
        withThreadEmitter { $0.log(record, logger: logger, level: level, samples: samples) }
    }

    /// Queues a record given as its numbers and texts (see ``LogEmitter/log(numbers:logger:level:samples:texts:)``)
    /// through the calling thread's emitter.
    public func log(numbers: LogRecordNumbers, logger: LogHandle, level: SyslogLevel = .info, samples: [String?] = [],
                    texts: (inout LogRecordTexts) -> Void) {
        withThreadEmitter { $0.log(numbers: numbers, logger: logger, level: level, samples: samples, texts: texts) }
    }

    /// A message that is not a traffic record (server state changes, `backend X has no server
    /// available!`), worded by the caller, sent to the targets of `logger` at `level`.
    /// A thread that logs records (an event loop) sends it through its own emitter, in order with its
    /// records; any other thread through the shared one.
    public func event(_ message: String, level: SyslogLevel, logger: LogHandle) {
        if let raw = pthread_getspecific(emitterKey) {
            Unmanaged<LogEmitter>.fromOpaque(raw).takeUnretainedValue().event(message, level: level, logger: logger)
        } else {
            eventLock.withLock { eventEmitter?.event(message, level: level, logger: logger) }
        }
    }

    /// Calls `body` with the calling thread's emitter, made on its first record. The thread-local slot
    /// holds a reference to it until the thread exits, which it cannot do while in `body`: so the emitter
    /// is lent without the retain and release a returned reference would cost every record.
    private func withThreadEmitter(_ body: (LogEmitter) -> Void) {
        if let raw = pthread_getspecific(emitterKey) {
            Unmanaged<LogEmitter>.fromOpaque(raw)._withUnsafeGuaranteedRef(body)
            return
        }
        let emitter = LogEmitter(pipeline: self)
        pthread_setspecific(emitterKey, Unmanaged.passRetained(emitter).toOpaque())
        body(emitter)
    }

    /// HAProxy's level for a traffic record: `info`, or `err` for an error record
    /// (``LogRecord/isError``) when `option log-separate-errors` is set.
    public static func level(for record: LogRecord, separateErrors: Bool) -> SyslogLevel {
        level(isError: record.isError, separateErrors: separateErrors)
    }

    public static func level(isError: Bool, separateErrors: Bool) -> SyslogLevel {
        separateErrors && isError ? .err : .info
    }

    /// Delivers what is queued and writes every buffered file member. Returns false if that did not
    /// finish within `timeout` seconds.
    @discardableResult
    public func flush(timeout: Double = 5) -> Bool {
        writer.perform(timeout: timeout) { $0.flushGeneration &+= 1 }
    }

    /// Re-opens file targets (SIGHUP, `reopen logs`): records are never lost across it.
    @discardableResult
    public func reopen(timeout: Double = 5) -> Bool {
        writer.perform(timeout: timeout) { $0.reopenGeneration &+= 1 }
    }

    /// Rotates every file target now, whatever its size and age.
    @discardableResult
    public func rotateFiles(timeout: Double = 5) -> Bool {
        writer.perform(timeout: timeout) { $0.rotateGeneration &+= 1 }
    }

    /// Refuses new records, delivers the queued ones, flushes and closes every target. Returns false
    /// if that did not finish within `timeout` seconds (the writer then finishes in the background).
    @discardableResult
    public func shutdown(timeout: Double = 5) -> Bool {
        queue.close()
        return writer.stop(timeout: timeout)
    }

    public var counters: LogCounters {
        let depth = queue.depth
        return LogCounters(droppedInQueue: depth.dropped, enqueued: depth.enqueued, queuedMessages: depth.messages,
                           queuedBytes: depth.bytes, queueCapacityBytes: queue.capacityBytes,
                           sinks: sinks.map { $0.counters.snapshot })
    }
}
