import Foundation

/// The writer thread: drains the producers' rings, formats each record with its logger's line format
/// (and RFC 5424 structured data when a target wants it), frames the message for each target of the
/// logger (level filter, syslog header, `len` truncation, newline or octet count) and hands it to the
/// sink; ticks the sinks (file flush deadlines, rotation by age, tcp@ reconnection) at least every
/// 10 ms; carries out flush, reopen, rotate and stop requests between batches, so sinks are only
/// ever touched by this thread.
final class LogWriter: @unchecked Sendable {
    struct Target {
        var sink: Int
        var header: SyslogHeader
        var length: Int?
        var maxLevel: SyslogLevel
        var minLevel: SyslogLevel
        var framing: SinkFraming
    }

    struct Logger {
        var targets: [Target]
    }

    /// What the writer thread changes as it formats, kept in a local of its own: fields of the class
    /// would be checked for exclusive access on every use, the arrays for uniqueness on every change.
    private struct FormattingState {
        var loggers: [Logger]
        var context: LogRenderContext
        /// `%lc`: the records each logger has formatted.
        var logCounters: [Int64]
        var line: [UInt8] = []
        var frame: [UInt8] = []
        var offsets = UTCOffsetCache()

        /// `%lc` of the record being formatted: the records its logger has formatted so far.
        mutating func countRecord(of logger: Int) {
            logCounters[logger] &+= 1
            context.logCounter = logCounters[logger]
        }
    }

    private let queue: LogQueue
    /// The loggers (their targets' syslog headers cache what they wrote last) and the render context as
    /// the writer thread starts with them.
    private let loggers: [Logger]
    /// Per logger: its line format and whether a target wants RFC 5424 structured data.
    private let formats: [LogLineFormat]
    private let wantsStructuredData: [Bool]
    private let context: LogRenderContext
    /// Per logger: its records are plain httplog lines, written straight from their bytes.
    private let rendersFromBytes: [Bool]
    private let sinks: [LogSink]
    private let completion = LogLock()
    private var completed = LogQueue.WriterRequests()
    private var finished = false
    private var thread: Thread?

    init(queue: LogQueue, loggers: [Logger], formats: [LogLineFormat], wantsStructuredData: [Bool],
         context: LogRenderContext, sinks: [LogSink]) {
        self.queue = queue
        self.loggers = loggers
        self.formats = formats
        self.wantsStructuredData = wantsStructuredData
        self.context = context
        rendersFromBytes = formats.indices.map { index in
            if case .httplog = formats[index] { return !wantsStructuredData[index] }
            return false
        }
        self.sinks = sinks
    }

    /// What `top -H` and profiles show for the writer thread.
    static let threadName = "lb-log-writer"

    func start() {
        let thread = Thread { [self] in
            BackgroundThread.become(named: Self.threadName)
            run()
        }
        self.thread = thread
        thread.start()
    }

    /// Asks the writer for something and waits until it was done (or `timeout` seconds).
    func perform(timeout: Double, _ change: @escaping (inout LogQueue.WriterRequests) -> Void) -> Bool {
        var wanted = LogQueue.WriterRequests()
        queue.request { requests in
            change(&requests)
            wanted = requests
        }
        return waitUntil(timeout: timeout) {
            $0.flushGeneration >= wanted.flushGeneration && $0.reopenGeneration >= wanted.reopenGeneration
                && $0.rotateGeneration >= wanted.rotateGeneration
        }
    }

    func stop(timeout: Double) -> Bool {
        queue.request { $0.stop = true }
        return waitUntil(timeout: timeout) { _ in finished }
    }

    private func waitUntil(timeout: Double, _ done: (LogQueue.WriterRequests) -> Bool) -> Bool {
        let deadline = SystemClock.monotonicNanoseconds() + UInt64(max(timeout, 0) * 1e9)
        return completion.withLock {
            while !done(completed) && !finished {
                let now = SystemClock.monotonicNanoseconds()
                if now >= deadline { return false }
                completion.wait(nanoseconds: min(deadline - now, 50_000_000))
            }
            return done(completed) || finished
        }
    }

    private func run() {
        var state = FormattingState(loggers: loggers, context: context,
                                    logCounters: Array(repeating: 0, count: loggers.count))
        state.line.reserveCapacity(4096)
        state.frame.reserveCapacity(4096)
        var done = LogQueue.WriterRequests()
        while true {
            // A 10 ms tick, sooner when a sink wants one: records reach their targets within 10 ms of
            // reaching the writer (15 ms for UDP, whose datagrams may wait for others to leave with).
            let (requests, rings) = queue.waitForWork(upTo: nextTickIn())
            var drained = 0
            for ring in rings {
                drained += ring.drain { header, payload in deliver(header, payload, state: &state) }
            }
            let now = SystemClock.monotonicNanoseconds()
            for sink in sinks { sink.tick(nowNanoseconds: now) }
            if requests.reopenGeneration != done.reopenGeneration { for sink in sinks { sink.reopen() } }
            if requests.rotateGeneration != done.rotateGeneration {
                for case let file as RotatingGzipFileSink in sinks { file.rotateNow() }
            }
            if requests.flushGeneration != done.flushGeneration { for sink in sinks { sink.flush() } }
            done = requests
            if requests.stop && drained == 0 {
                for sink in sinks { sink.close() }
                completion.withLock {
                    completed = requests
                    finished = true
                    completion.broadcast()
                }
                return
            }
            completion.withLock {
                completed = requests
                completion.broadcast()
            }
        }
    }

    /// Nanoseconds until the next tick: 10 ms, or less when a sink's held messages are due sooner.
    private func nextTickIn() -> UInt64 {
        let tick: UInt64 = 10_000_000
        var due: UInt64?
        for sink in sinks {
            if let sinkDue = sink.dueNanoseconds { due = min(due ?? sinkDue, sinkDue) }
        }
        guard let due else { return tick }
        let now = SystemClock.monotonicNanoseconds()
        return due <= now ? 0 : min(tick, due - now)
    }

    /// Formats one entry of a ring into `line` (structured data first, then the message) and sends it to
    /// each target of its logger.
    private func deliver(_ header: LogRing.EntryHeader, _ payload: UnsafeRawBufferPointer, state: inout FormattingState) {
        let logger = Int(header.logger)
        guard logger < state.loggers.count, let messageLevel = SyslogLevel(rawValue: Int(header.level)) else { return }
        state.line.removeAll(keepingCapacity: true)
        var structuredDataLength = 0
        var isJSON = false
        switch header.kind {
        case .message:
            state.line.append(contentsOf: payload)
        case .record where rendersFromBytes[logger]:
            // The line of nearly every record: written from the bytes in place, no `LogRecord` rebuilt.
            state.countRecord(of: logger)
            HTTPLogLine.render(WireRecordView(payload), context: &state.context, into: &state.line)
        case .record:
            let (record, samples) = LogRecordWire.decode(payload)
            if wantsStructuredData[logger] { LBStructuredData.render(record, into: &state.line) }
            structuredDataLength = state.line.count
            state.countRecord(of: logger)
            switch formats[logger] {
            case .httplog: HTTPLogLine.render(record, context: &state.context, into: &state.line)
            case .tcplog: LogFormat.tcplog.render(record, samples: samples, context: &state.context, into: &state.line)
            case .httplogCLF: LogFormat.httplogCLF.render(record, samples: samples, context: &state.context, into: &state.line)
            case .json:
                JSONRecordFormat.render(record, into: &state.line)
                isJSON = true
            case .custom(let format):
                format.render(record, samples: samples, context: &state.context, into: &state.line)
                isJSON = format.isJSON
            }
        }
        let structuredData = structuredDataLength == 0 ? nil : state.line[0..<structuredDataLength]
        let message = state.line[structuredDataLength...]
        let utcOffset = state.offsets.offset(atMicroseconds: header.microseconds)
        for index in state.loggers[logger].targets.indices {
            // Read in place: a copy of the target would retain its header's strings for every record.
            guard messageLevel <= state.loggers[logger].targets[index].maxLevel else { continue }
            let level = max(messageLevel, state.loggers[logger].targets[index].minLevel)
            let length = state.loggers[logger].targets[index].length
            let framing = state.loggers[logger].targets[index].framing
            let sink = sinks[state.loggers[logger].targets[index].sink]
            state.frame.removeAll(keepingCapacity: true)
            state.loggers[logger].targets[index].header.write(
                level: level, microseconds: header.microseconds, utcOffset: utcOffset,
                structuredData: structuredData, into: &state.frame)
            let headerBytes = state.frame.count
            state.frame.append(contentsOf: message)
            if let length, length > 0, state.frame.count > length - 1 {
                // JSON keeps its shape (values shortened, marked truncated) when it can; else the end is cut.
                if isJSON, let fitted = JSONLineFitter.fit(message, budget: length - 1 - headerBytes) {
                    state.frame.removeLast(state.frame.count - headerBytes)
                    state.frame.append(contentsOf: fitted)
                } else {
                    state.frame.removeLast(state.frame.count - (length - 1))
                }
            }
            switch framing {
            case .datagram, .lines:
                state.frame.append(0x0A)
                sink.write(state.frame[...])
            case .octetCounted:
                var counted: [UInt8] = []
                counted.reserveCapacity(state.frame.count + 8)
                counted.appendDecimal(state.frame.count)
                counted.append(0x20)
                counted.append(contentsOf: state.frame)
                sink.write(counted[...])
            }
        }
    }
}
