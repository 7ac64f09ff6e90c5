import Foundation

/// The writer thread: takes batches from the queue, frames each message for each target of its
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

    private let queue: LogQueue
    private var loggers: [Logger]
    private let sinks: [LogSink]
    private let completion = LogLock()
    private var completed = LogQueue.WriterRequests()
    private var finished = false
    private var thread: Thread?

    init(queue: LogQueue, loggers: [Logger], sinks: [LogSink]) {
        self.queue = queue
        self.loggers = loggers
        self.sinks = sinks
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "lb-log-writer"
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
        var batch: [QueuedLogMessage] = []
        var frame: [UInt8] = []
        frame.reserveCapacity(4096)
        var offsets = UTCOffsetCache()
        var done = LogQueue.WriterRequests()
        while true {
            // A 10 ms tick: records reach their targets within 10 ms, in batches.
            let requests = queue.takeAll(waitingUpTo: 10_000_000, into: &batch)
            for message in batch { deliver(message, frame: &frame, offsets: &offsets) }
            let now = SystemClock.monotonicNanoseconds()
            for sink in sinks { sink.tick(nowNanoseconds: now) }
            if requests.reopenGeneration != done.reopenGeneration { for sink in sinks { sink.reopen() } }
            if requests.rotateGeneration != done.rotateGeneration {
                for case let file as RotatingGzipFileSink in sinks { file.rotateNow() }
            }
            if requests.flushGeneration != done.flushGeneration { for sink in sinks { sink.flush() } }
            done = requests
            if requests.stop && batch.isEmpty {
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

    private func deliver(_ message: QueuedLogMessage, frame: inout [UInt8], offsets: inout UTCOffsetCache) {
        guard message.logger < loggers.count else { return }
        let utcOffset = offsets.offset(atMicroseconds: message.microseconds)
        for index in loggers[message.logger].targets.indices {
            let target = loggers[message.logger].targets[index]
            guard message.level <= target.maxLevel else { continue }
            let level = max(message.level, target.minLevel)
            frame.removeAll(keepingCapacity: true)
            loggers[message.logger].targets[index].header.write(
                level: level, microseconds: message.microseconds, utcOffset: utcOffset,
                structuredData: message.structuredData, into: &frame)
            let headerBytes = frame.count
            frame.append(contentsOf: message.message)
            if let length = target.length, length > 0, frame.count > length - 1 {
                // JSON keeps its shape (values shortened, marked truncated) when it can; else the end is cut.
                if message.isJSON, let fitted = JSONLineFitter.fit(message.message, budget: length - 1 - headerBytes) {
                    frame.removeLast(frame.count - headerBytes)
                    frame.append(contentsOf: fitted)
                } else {
                    frame.removeLast(frame.count - (length - 1))
                }
            }
            switch target.framing {
            case .datagram, .lines:
                frame.append(0x0A)
                sinks[target.sink].write(frame[...])
            case .octetCounted:
                var counted: [UInt8] = []
                counted.reserveCapacity(frame.count + 8)
                counted.appendDecimal(frame.count)
                counted.append(0x20)
                counted.append(contentsOf: frame)
                sinks[target.sink].write(counted[...])
            }
        }
    }
}
