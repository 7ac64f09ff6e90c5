import Foundation
import Testing
@testable import LBLog

/// The rotating gzip file: readable member by member at any time, rotation without loss or duplicates,
/// crash-truncated files, unwritable paths.
@Suite struct FileSinkTests {
    static func pipeline(_ path: String, options: [String: String] = [:], format: SyslogFormat? = .raw,
                         errors: ErrorLog? = nil) throws -> LogPipeline {
        var onError: (@Sendable (String) -> Void)?
        if let errors { onError = { errors.append($0) } }
        return try LogPipeline(LogPipelineConfiguration(
            loggers: [LoggerSpec(name: "fe", format: .json, targets: [LogTargetSpec("file@" + path, format: format, options: options)])],
            onError: onError))
    }

    static func record(_ number: Int) -> LogRecord {
        sampleRecord(port: number, time: (2, 40, 29, 39), request: "GET /r/\(number) HTTP/1.1")
    }

    @Test func everyFlushIsReadableWhileRunning() throws {
        let path = makeTemporaryDirectory() + "/access.log.gz"
        let pipeline = try Self.pipeline(path, options: ["flush-interval": "10s", "flush-size": "1m"])
        defer { pipeline.shutdown() }
        let emitter = pipeline.makeEmitter()
        for round in 1...3 {
            for index in 0..<100 { emitter.log(Self.record(round * 1000 + index), logger: LogHandle(index: 0)) }
            #expect(pipeline.flush())
            let lines = GzipMembers.lines(ofFile: path)
            #expect(lines.count == round * 100)
            let data = try #require(FileManager.default.contents(atPath: path))
            let split = GzipMembers.split(Array(data))
            #expect(split.members.count == round)
            #expect(split.trailingBytes == 0)
        }
        let first = try JSONSerialization.jsonObject(with: Data(GzipMembers.lines(ofFile: path)[0].utf8)) as? [String: Any]
        #expect(first?["client_port"] as? Int == 1000)
    }

    @Test func flushIntervalWritesWithoutBeingAsked() throws {
        let path = makeTemporaryDirectory() + "/access.log.gz"
        let pipeline = try Self.pipeline(path, options: ["flush-interval": "50ms"])
        defer { pipeline.shutdown() }
        pipeline.log(Self.record(1), logger: LogHandle(index: 0))
        #expect(eventually { GzipMembers.lines(ofFile: path).count == 1 })
    }

    @Test func flushSizeCutsMembers() throws {
        let path = makeTemporaryDirectory() + "/access.log.gz"
        let pipeline = try Self.pipeline(path, options: ["flush-size": "4k", "flush-interval": "1h"])
        let emitter = pipeline.makeEmitter()
        for index in 0..<200 { emitter.log(Self.record(index), logger: LogHandle(index: 0)) }
        #expect(pipeline.shutdown())
        let split = GzipMembers.split(Array(try #require(FileManager.default.contents(atPath: path))))
        #expect(split.members.count > 10)
        #expect(GzipMembers.lines(ofFile: path).count == 200)
    }

    @Test func rotationKeepsEveryRecordExactlyOnce() throws {
        let directory = makeTemporaryDirectory()
        let path = directory + "/access.log.gz"
        let pipeline = try Self.pipeline(path, options: ["flush-size": "2k", "rotate-size": "3k", "keep": "0"])
        let emitter = pipeline.makeEmitter()
        let total = 3000
        for index in 0..<total {
            emitter.log(Self.record(index), logger: LogHandle(index: 0))
            if index % 500 == 499 { pipeline.rotateFiles() }
        }
        #expect(pipeline.shutdown())
        #expect(pipeline.counters.dropped == 0)
        let rotated = RotatingGzipFileSink.rotatedFiles(of: path)
        #expect(rotated.count > 10)
        var ports: [Int] = []
        for file in rotated + [path] {
            for line in GzipMembers.lines(ofFile: file) {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                ports.append(try #require(object["client_port"] as? Int))
            }
        }
        #expect(ports == Array(0..<total), "in order, none missing, none twice")
        let names = rotated.map { ($0 as NSString).lastPathComponent }
        #expect(names == names.sorted())
        #expect(names.allSatisfy { $0.range(of: #"^access\.log\.\d{8}T\d{6}Z\.gz$"#, options: .regularExpression) != nil })
    }

    @Test func rotationByAge() throws {
        let path = makeTemporaryDirectory() + "/age.log.gz"
        let pipeline = try Self.pipeline(path, options: ["rotate-age": "1s", "flush-interval": "20ms"])
        defer { pipeline.shutdown() }
        pipeline.log(Self.record(1), logger: LogHandle(index: 0))
        #expect(eventually { RotatingGzipFileSink.rotatedFiles(of: path).count == 1 })
        pipeline.log(Self.record(2), logger: LogHandle(index: 0))
        #expect(pipeline.flush())
        let rotated = RotatingGzipFileSink.rotatedFiles(of: path)
        #expect(rotated.flatMap { GzipMembers.lines(ofFile: $0) }.count + GzipMembers.lines(ofFile: path).count == 2)
        #expect(GzipMembers.lines(ofFile: rotated[0]).first?.contains("\"client_port\":1,") == true)
    }

    @Test func retentionKeepsTheNewest() throws {
        let path = makeTemporaryDirectory() + "/a.gz"
        let pipeline = try Self.pipeline(path, options: ["keep": "3"])
        for index in 0..<8 {
            pipeline.log(Self.record(index), logger: LogHandle(index: 0))
            pipeline.rotateFiles()
        }
        #expect(pipeline.shutdown())
        let rotated = RotatingGzipFileSink.rotatedFiles(of: path)
        #expect(rotated.count == 3)
        #expect(rotated.flatMap { GzipMembers.lines(ofFile: $0) }.count == 3)
        #expect(GzipMembers.lines(ofFile: rotated.last!).first?.contains("\"client_port\":7") == true)
    }

    @Test func reopenFollowsLogrotate() throws {
        let directory = makeTemporaryDirectory()
        let path = directory + "/access.log.gz"
        let pipeline = try Self.pipeline(path)
        defer { pipeline.shutdown() }
        pipeline.log(Self.record(1), logger: LogHandle(index: 0))
        #expect(pipeline.flush())
        try FileManager.default.moveItem(atPath: path, toPath: directory + "/moved.gz")
        pipeline.log(Self.record(2), logger: LogHandle(index: 0))
        #expect(pipeline.reopen())
        pipeline.log(Self.record(3), logger: LogHandle(index: 0))
        #expect(pipeline.flush())
        #expect(GzipMembers.lines(ofFile: directory + "/moved.gz").count == 2)
        #expect(GzipMembers.lines(ofFile: path).count == 1)
    }

    @Test func truncatedFileKeepsEveryCompleteMember() throws {
        let path = makeTemporaryDirectory() + "/access.log.gz"
        let pipeline = try Self.pipeline(path)
        for index in 0..<5 {
            pipeline.log(Self.record(index), logger: LogHandle(index: 0))
            pipeline.flush()
        }
        #expect(pipeline.shutdown())
        var data = Array(try #require(FileManager.default.contents(atPath: path)))
        let sizes = GzipMembers.split(data).members.map(\.declaredSize)
        #expect(sizes.count == 5)
        // A crash in the middle of the last member's write.
        data.removeLast(sizes.last! / 2)
        let split = GzipMembers.split(data)
        #expect(split.members.count == 4)
        #expect(split.trailingBytes > 0)
        #expect(split.members.compactMap { GzipMembers.inflateMember($0.bytes) }.count == 4)
    }

    @Test func unwritablePathDropsCountsAndReportsOnce() throws {
        let errors = ErrorLog()
        let path = "/proc/lb-no-such-dir/access.log.gz"
        let pipeline = try Self.pipeline(path, errors: errors)
        for index in 0..<20 {
            pipeline.log(Self.record(index), logger: LogHandle(index: 0))
            pipeline.flush()
        }
        #expect(pipeline.shutdown())
        let counters = pipeline.counters
        #expect(counters.sinks[0].recordsDropped == 20)
        #expect(counters.dropped == 20)
        #expect(counters.sinks[0].lastError?.contains("open /proc/lb-no-such-dir/access.log.gz") == true)
        #expect(errors.messages.count == 1)
    }

    @Test func optionsParseAndRefuseUnknownKeys() throws {
        let options = try FileSinkOptions(["rotate-size": "10m", "rotate-age": "6h", "keep": "7", "level": "9",
                                           "flush-interval": "250ms", "flush-size": "128k"])
        #expect(options.rotateSize == 10 << 20)
        #expect(options.rotateAgeSeconds == 6 * 3600)
        #expect(options.keep == 7)
        #expect(options.level == 9)
        #expect(try FileSinkOptions([:]).level == 1)
        #expect(options.flushIntervalMilliseconds == 250)
        #expect(options.flushSize == 128 << 10)
        #expect(throws: LogPipelineError.self) { try FileSinkOptions(["rotate": "1"]) }
        #expect(throws: LogPipelineError.self) { try FileSinkOptions(["level": "12"]) }
    }

    @Test func fileDefaultsToSyslogFileLines() throws {
        let path = makeTemporaryDirectory() + "/access.log.gz"
        let pipeline = try LogPipeline(LogPipelineConfiguration(
            loggers: [LoggerSpec(name: "fe", targets: [LogTargetSpec("file@" + path)])], tag: "haproxy", hostname: "lbhost", pid: 8293))
        pipeline.log(Self.record(54800), logger: LogHandle(index: 0))
        #expect(pipeline.shutdown())
        let line = try #require(GzipMembers.lines(ofFile: path).first)
        #expect(line.range(of: #"^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d lbhost haproxy\[8293\]: 127\.0\.0\.1:54800 \[25/Nov/2026:02:40:29\.039\] fe_main "#,
                           options: .regularExpression) != nil)
    }
}

/// Collects error reports from the writer thread.
final class ErrorLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ message: String) { lock.withLock { stored.append(message) } }
    var messages: [String] { lock.withLock { stored } }
}
