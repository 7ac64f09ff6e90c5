import Dispatch
import Foundation
import LBLog

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a scan produced: the merged aggregate plus what happened to each input.
public struct ScanResult: Sendable {
    public var aggregate: Aggregator
    public var inputs: [LogInput]
    /// Unparsable lines with their real file and line numbers, first few only.
    public var invalidSamples: [InvalidLines.Sample]
    /// The servers' state changes from the event lines, with their real file and line numbers.
    public var stateChanges: ServerStateChanges
    /// Inputs that could not be read (or stopped early), with why.
    public var failures: [String]
    /// gzip inputs whose last member was cut short (a writer still writing, or a crash).
    public var truncatedGzip: [String]
    public var elapsedSeconds: Double
}

/// Reads inputs on several threads and merges what each worker aggregated. Plain files are cut at line
/// boundaries so both cores parse. gzip and stdin are read by a producer thread that cuts the
/// (decompressed) stream into blocks of whole lines, which every worker takes from a shared queue: one
/// core inflates while both parse.
public enum LogScanner {
    public static func scan(_ inputs: [LogInput], options: ReportOptions, workers requested: Int? = nil,
                            progress: ProgressCounter? = nil) -> ScanResult {
        let started = DispatchTime.now().uptimeNanoseconds
        let cores = requested ?? max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        let units = WorkUnit.plan(inputs, pieces: cores)
        let queue = ScanQueue(units: units)
        let urlCells = urlTableCapacity(inputs, workers: cores)
        DispatchQueue.concurrentPerform(iterations: cores) { _ in
            var aggregate = Aggregator(options: options)
            aggregate.urlTable = URLTable(capacity: urlCells)
            let parser = LogLineParser()
            parser.clfRequestCaptureCount = options.clfRequestCaptureCount
            var batch = LineBatch(parser: parser)
            var reader: LineReader?
            while let task = queue.next() {
                switch task {
                case .range(let unitIndex):
                    let unit = units[unitIndex]
                    let input = inputs[unit.inputIndex]
                    do {
                        let lines = try readRange(unit, input: input, task: unitIndex, batch: &batch, reader: &reader,
                                                  into: &aggregate, progress: progress)
                        queue.finished(task: unitIndex, lines: lines)
                    } catch {
                        queue.failed("\(error)")
                    }
                case .stream(let unitIndex):
                    let input = inputs[units[unitIndex].inputIndex]
                    do {
                        try queue.startProducer(input: input, inputIndex: units[unitIndex].inputIndex, progress: progress)
                    } catch {
                        queue.failed("\(error)")
                    }
                case .block(let block):
                    let lines = batch.run(block.bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: block.count,
                                          task: block.task, into: &aggregate)
                    block.bytes.deallocate()
                    queue.finished(task: block.task, lines: lines)
                }
            }
            queue.add(aggregate)
        }
        var parts = queue.takeAggregates()
        var merged = parts.popLast() ?? Aggregator(options: options)
        while let next = parts.popLast() { merged.merge(next) }
        merged.finish()
        // Task-relative line numbers → file line numbers: tasks of one input, in order, follow each other.
        let tasks = queue.taskTable()
        var base = [Int](repeating: 0, count: tasks.count)
        var running: [Int: Int] = [:]
        for id in tasks.indices.sorted(by: { (tasks[$0].input, tasks[$0].order) < (tasks[$1].input, tasks[$1].order) }) {
            base[id] = running[tasks[id].input, default: 0]
            running[tasks[id].input, default: 0] += tasks[id].lines
        }
        func name(_ input: Int) -> String { inputs[input].path == "-" ? "<stdin>" : inputs[input].path }
        let samples = merged.pendingInvalid
            .map { (input: tasks[$0.unit].input, sample: InvalidLines.Sample(file: name(tasks[$0.unit].input), line: base[$0.unit] + $0.line, reason: $0.reason, text: $0.text)) }
            .sorted { ($0.input, $0.sample.line) < ($1.input, $1.sample.line) }
            .prefix(options.invalidSamples)
            .map(\.sample)
        let changes = merged.pendingStateChanges
            .map { pending -> (input: Int, change: ServerStateChanges.Change) in
                let input = tasks[pending.unit].input
                let e = pending.event
                return (input, .init(file: name(input), line: base[pending.unit] + pending.line, time: e.time,
                                     server: e.server, state: e.state, reason: e.reason))
            }
            .sorted { ($0.input, $0.change.line) < ($1.input, $1.change.line) }
            .prefix(ServerStateChanges.kept)
            .map(\.change)
        let stateChanges = ServerStateChanges(counts: merged.stateChangeCounts, changes: Array(changes))
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return ScanResult(aggregate: merged, inputs: inputs, invalidSamples: Array(samples), stateChanges: stateChanges,
                          failures: queue.failures, truncatedGzip: queue.truncated, elapsedSeconds: elapsed)
    }

    /// A starting size for each worker's URL table: a cell per 640 bytes of its share of the input
    /// (gzip counted 5 times its size), at most 2^19 cells (32 MiB). A big log then fills a table that
    /// never grows, instead of zeroing and rehashing every size on the way up (~2x the final size).
    static func urlTableCapacity(_ inputs: [LogInput], workers: Int) -> Int {
        let bytes = inputs.reduce(0) { $0 + ($1.isGzip ? $1.size * 5 : $1.size) }
        return Swift.min(1 << 19, Swift.max(64, bytes / Swift.max(1, workers) / 640))
    }

    /// Parses a byte range of a plain file; returns its line count.
    /// `reader` is the worker's, reused from one range to the next.
    static func readRange(_ unit: WorkUnit, input: LogInput, task: Int, batch: inout LineBatch, reader: inout LineReader?,
                          into aggregate: inout Aggregator, progress: ProgressCounter?) throws -> Int {
        let descriptor = open(input.path, O_RDONLY)
        guard descriptor >= 0 else { throw ReaderError.cannotOpen(path: input.path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let range = unit.range ?? 0..<Int.max
        let source = FileRangeSource(fd: descriptor, start: range.lowerBound, end: range.upperBound, path: input.path, progress: progress)
        var lines = 0
        batch.begin(task: task, into: &aggregate)
        let lineReader: LineReader
        if let reader {
            reader.source = source
            lineReader = reader
        } else {
            // 1 MiB blocks stay in the core's cache between the copy out of the page cache and the
            // parsing (with 4 MiB the kernel's copy was 9% of the time, now 4%).
            lineReader = LineReader(source: source, bufferSize: 1 << 20)
            reader = lineReader
        }
        try lineReader.forEachLine({ p, n in
            batch.add(p, n, into: &aggregate)
            lines += 1
            return true
        }, blockEnd: { batch.flush(into: &aggregate) })
        return lines
    }
}

/// A block of whole lines cut from a stream, owned by whoever takes it from the queue.
struct StreamBlock: @unchecked Sendable {
    var bytes: UnsafeMutableRawBufferPointer
    var count: Int
    var task: Int
}

enum ScanTask {
    case range(Int)
    case stream(Int)
    case block(StreamBlock)
}

/// Work queue and results shared by the scan workers: static units (file ranges, streams to start)
/// and blocks pushed by stream producers, bounded so a fast inflater cannot outrun the parsers.
final class ScanQueue: @unchecked Sendable {
    struct TaskInfo {
        var input: Int
        var order: Int
        var lines = 0
    }

    private let condition = NSCondition()
    private var staticUnits: [ScanTask]
    private var blocks: [StreamBlock] = []
    private var blockHead = 0
    private var producers = 0
    private let maxBlocks = 6
    private var tasks: [TaskInfo]
    private(set) var aggregates: [Aggregator] = []
    private(set) var failures: [String] = []
    private(set) var truncated: [String] = []
    static let blockSize = 4 << 20

    init(units: [WorkUnit]) {
        staticUnits = units.enumerated().reversed().map { $0.element.range == nil ? .stream($0.offset) : .range($0.offset) }
        tasks = units.enumerated().map { TaskInfo(input: $0.element.inputIndex, order: $0.offset) }
    }

    func next() -> ScanTask? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if blockHead < blocks.count {
                let block = blocks[blockHead]
                blockHead += 1
                if blockHead > 64 { blocks.removeFirst(blockHead); blockHead = 0 }
                condition.broadcast()
                return .block(block)
            }
            if let task = staticUnits.popLast() {
                if case .stream = task { producers += 1 }
                return task
            }
            if producers == 0 { return nil }
            condition.wait()
        }
    }

    private func register(input: Int, order: Int) -> Int {
        tasks.append(TaskInfo(input: input, order: order))
        return tasks.count - 1
    }

    private func push(_ bytes: UnsafeMutableRawBufferPointer, count: Int, input: Int, order: Int) {
        condition.lock()
        while blocks.count - blockHead >= maxBlocks { condition.wait() }
        let task = register(input: input, order: order)
        blocks.append(StreamBlock(bytes: bytes, count: count, task: task))
        condition.broadcast()
        condition.unlock()
    }

    private func producerDone(truncated path: String?, failure: String?) {
        condition.lock()
        producers -= 1
        if let path { truncated.append(path) }
        if let failure { failures.append(failure) }
        condition.broadcast()
        condition.unlock()
    }

    /// Starts a thread that reads `input` (inflating gzip) and pushes blocks of whole lines.
    /// The producer count was taken when the task was handed out.
    func startProducer(input: LogInput, inputIndex: Int, progress: ProgressCounter?) throws {
        let opened: (source: ByteSource, fd: Int32?)
        do { opened = try input.open(prefetch: false, progress: progress) } catch {
            producerDone(truncated: nil, failure: nil)
            throw error
        }
        let box = SourceBox(source: opened.source, fd: opened.fd)
        let thread = Thread { [self] in
            produce(box, input: input, inputIndex: inputIndex)
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    private func produce(_ box: SourceBox, input: LogInput, inputIndex: Int) {
        defer { if let fd = box.fd { close(fd) } }
        var order = 0
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.blockSize, alignment: 64)
        var filled = 0
        var failure: String?
        do {
            while true {
                if filled == buffer.count {
                    // A line longer than a block: grow.
                    let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 64)
                    bigger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: filled)
                    buffer.deallocate()
                    buffer = bigger
                }
                let got = try box.source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
                if got == 0 { break }
                filled += got
                if filled < buffer.count / 2 { continue }
                // Cut after the last newline; the tail starts the next block.
                let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
                var cut = filled
                while cut > 0 && base[cut - 1] != 0x0A { cut -= 1 }
                if cut == 0 { continue }
                let next = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(Self.blockSize, filled - cut + 1), alignment: 64)
                if filled > cut { next.baseAddress!.copyMemory(from: buffer.baseAddress! + cut, byteCount: filled - cut) }
                push(buffer, count: cut, input: inputIndex, order: order)
                order += 1
                buffer = next
                filled -= cut
            }
        } catch {
            failure = "\(error)"
        }
        if filled > 0 {
            push(buffer, count: filled, input: inputIndex, order: order)
        } else {
            buffer.deallocate()
        }
        let wasTruncated = (box.source as? GzipSource)?.wasTruncated ?? false
        producerDone(truncated: wasTruncated ? input.path : nil, failure: failure)
    }

    func finished(task: Int, lines: Int) {
        condition.lock()
        tasks[task].lines = lines
        condition.unlock()
    }

    func failed(_ message: String) {
        condition.lock()
        failures.append(message)
        condition.unlock()
    }

    func taskTable() -> [TaskInfo] {
        condition.lock()
        defer { condition.unlock() }
        return tasks
    }

    func takeAggregates() -> [Aggregator] {
        condition.lock()
        defer { condition.unlock() }
        let taken = aggregates
        aggregates = []
        return taken
    }

    func add(_ aggregate: Aggregator) {
        condition.lock()
        aggregates.append(aggregate)
        condition.unlock()
    }
}

/// Hands a non-Sendable source to the producer thread, which alone uses it from then on.
final class SourceBox: @unchecked Sendable {
    let source: ByteSource
    let fd: Int32?
    init(source: ByteSource, fd: Int32?) {
        self.source = source
        self.fd = fd
    }
}
