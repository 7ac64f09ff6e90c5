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
    /// Inputs that could not be read (or stopped early), with why.
    public var failures: [String]
    /// gzip inputs whose last member was cut short (a writer still writing, or a crash).
    public var truncatedGzip: [String]
    public var elapsedSeconds: Double
}

/// Reads inputs on several threads and merges what each worker aggregated. Plain files are cut at line
/// boundaries so both cores parse; gzip and stdin inflate on a helper thread while a worker parses.
public enum LogScanner {
    public static func scan(_ inputs: [LogInput], options: ReportOptions, workers requested: Int? = nil,
                            progress: ProgressCounter? = nil) -> ScanResult {
        let started = DispatchTime.now().uptimeNanoseconds
        let cores = requested ?? max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        let units = WorkUnit.plan(inputs, pieces: cores)
        let shared = SharedScanState(unitCount: units.count)
        let workerCount = max(1, min(cores, units.count))
        DispatchQueue.concurrentPerform(iterations: workerCount) { _ in
            var aggregate = Aggregator(options: options)
            let parser = LogLineParser()
            while let unitIndex = shared.nextUnit() {
                let unit = units[unitIndex]
                let input = inputs[unit.inputIndex]
                do {
                    let (lines, truncated) = try read(unit, input: input, unitIndex: unitIndex, parser: parser,
                                                      into: &aggregate, progress: progress)
                    shared.finished(unit: unitIndex, lines: lines, truncated: truncated ? input.path : nil, failure: nil)
                } catch {
                    shared.finished(unit: unitIndex, lines: 0, truncated: nil, failure: "\(error)")
                }
            }
            shared.add(aggregate)
        }
        var parts = shared.takeAggregates()
        var merged = parts.popLast() ?? Aggregator(options: options)
        while let next = parts.popLast() { merged.merge(next) }
        merged.finish()
        // Unit-relative line numbers → file line numbers.
        var base = [Int](repeating: 0, count: units.count)
        var running: [Int: Int] = [:]
        for (i, unit) in units.enumerated() {
            base[i] = running[unit.inputIndex, default: 0]
            running[unit.inputIndex, default: 0] += shared.unitLines[i]
        }
        let samples = merged.pendingInvalid
            .map { InvalidLines.Sample(file: inputs[units[$0.unit].inputIndex].path == "-" ? "<stdin>" : inputs[units[$0.unit].inputIndex].path,
                                       line: base[$0.unit] + $0.line, reason: $0.reason, text: $0.text) }
            .sorted { a, b in
                let ia = inputs.firstIndex { $0.path == a.file || ($0.path == "-" && a.file == "<stdin>") } ?? 0
                let ib = inputs.firstIndex { $0.path == b.file || ($0.path == "-" && b.file == "<stdin>") } ?? 0
                return ia != ib ? ia < ib : a.line < b.line
            }
            .prefix(options.invalidSamples)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return ScanResult(aggregate: merged, inputs: inputs, invalidSamples: Array(samples),
                          failures: shared.failures, truncatedGzip: shared.truncated, elapsedSeconds: elapsed)
    }

    /// Parses one unit; returns its line count and whether a gzip stream ended mid-member.
    static func read(_ unit: WorkUnit, input: LogInput, unitIndex: Int, parser: LogLineParser,
                     into aggregate: inout Aggregator, progress: ProgressCounter?) throws -> (Int, Bool) {
        var fd: Int32?
        let source: ByteSource
        var gzip: GzipSource?
        if let range = unit.range {
            let descriptor = open(input.path, O_RDONLY)
            guard descriptor >= 0 else { throw ReaderError.cannotOpen(path: input.path, reason: String(cString: strerror(errno))) }
            fd = descriptor
            source = FileRangeSource(fd: descriptor, start: range.lowerBound, end: range.upperBound, path: input.path,
                                     progress: progress)
        } else {
            let opened = try input.open(prefetch: false, progress: progress)
            fd = opened.fd
            if let g = opened.source as? GzipSource {
                gzip = g
                source = PrefetchSource(upstream: g)
            } else if input.isStandardInput, !(opened.source is DescriptorSource) {
                source = PrefetchSource(upstream: opened.source)
            } else {
                source = opened.source
            }
        }
        defer {
            if let fd { close(fd) }
            (source as? PrefetchSource)?.cancel()
        }
        // Lines are parsed in batches, then their URLs interned together, so the cache misses of the
        // (large) URL tables overlap instead of stalling one line at a time.
        let batchSize = 16
        var entries = [LogEntry](repeating: LogEntry(), count: batchSize)
        var outcomes = [LineOutcome](repeating: .blank, count: batchSize)
        var starts = [UnsafePointer<UInt8>?](repeating: nil, count: batchSize)
        var lengths = [Int](repeating: 0, count: batchSize)
        var urlIDs = [Int32](repeating: -1, count: batchSize)
        var pending = 0
        var lineNumber = 0
        func flush() {
            aggregate.prepareURLs(entries, outcomes, pending, into: &urlIDs)
            for k in 0..<pending {
                aggregate.add(outcome: outcomes[k], entry: entries[k], line: starts[k]!, count: lengths[k], unit: unitIndex,
                              lineNumber: lineNumber - pending + 1 + k, urlID: urlIDs[k])
            }
            pending = 0
        }
        try LineReader(source: source).forEachLine({ p, n in
            lineNumber += 1
            outcomes[pending] = parser.parse(p, count: n, into: &entries[pending])
            starts[pending] = p
            lengths[pending] = n
            pending += 1
            if pending == batchSize { flush() }
            return true
        }, blockEnd: { if pending > 0 { flush() } })
        return (lineNumber, gzip?.wasTruncated ?? false)
    }
}

/// Work queue and results shared by the scan workers.
final class SharedScanState: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private let unitCount: Int
    private(set) var unitLines: [Int]
    private(set) var aggregates: [Aggregator] = []
    private(set) var failures: [String] = []
    private(set) var truncated: [String] = []

    init(unitCount: Int) {
        self.unitCount = unitCount
        unitLines = Array(repeating: 0, count: unitCount)
    }

    func nextUnit() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < unitCount else { return nil }
        next += 1
        return next - 1
    }

    func finished(unit: Int, lines: Int, truncated path: String?, failure: String?) {
        lock.lock()
        unitLines[unit] = lines
        if let path { truncated.append(path) }
        if let failure { failures.append(failure) }
        lock.unlock()
    }

    func takeAggregates() -> [Aggregator] {
        lock.lock()
        defer { lock.unlock() }
        let taken = aggregates
        aggregates = []
        return taken
    }

    func add(_ aggregate: Aggregator) {
        lock.lock()
        aggregates.append(aggregate)
        lock.unlock()
    }
}
