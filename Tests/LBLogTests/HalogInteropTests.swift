import Foundation
import LBTestSupport
import Testing
@testable import LBLog

let halogPath: String? = ["/usr/bin/halog", "/usr/sbin/halog"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// Real `halog` (HAProxy's log analyzer) reads what the file@ target wrote, decompressed member by
/// member: zero parsing errors, and its counts equal the records written.
@Suite(.enabled(if: halogPath != nil, "halog not installed (Debian package haproxy)"))
struct HalogInteropTests {
    /// A varied set: 2xx to 5xx, a bad request, a refused connect with retries, a redispatch, a queue.
    static func records() -> [LogRecord] {
        var records: [LogRecord] = []
        for index in 0..<30 {
            records.append(sampleRecord(port: 10_000 + index, time: (2, 40, 29, index), server: index % 2 == 0 ? "web1" : "web2",
                                        timers: (0, 0, 1, 5 + index, 7 + index)))
        }
        for index in 0..<5 {
            records.append(sampleRecord(port: 20_000 + index, time: (2, 41, 0, index), status: 404, bytes: 500, request: "GET /nope?q=\(index) HTTP/1.1"))
        }
        records.append(sampleRecord(port: 30_000, time: (2, 42, 5, 653), server: "web2", timers: (0, 0, -1, -1, 3003), status: 503,
                                    bytes: 217, termination: "SCVN", retries: 3))
        var redispatched = sampleRecord(port: 30_001, time: (2, 42, 6, 0), server: "web1", timers: (0, 0, 2, 3, 6), termination: "--VN", retries: 1)
        redispatched.redispatched = true
        records.append(redispatched)
        var queued = sampleRecord(port: 30_002, time: (2, 42, 7, 0), timers: (0, 120, 1, 4, 130))
        queued.serverQueue = 2
        queued.backendQueue = 1
        records.append(queued)
        records.append(sampleRecord(port: 30_003, time: (2, 42, 8, 0), backend: "fe_main", server: "<NOSRV>", timers: (-1, -1, -1, -1, 0),
                                    status: 400, bytes: 0, termination: "PR--", headers: nil, request: nil))
        records.append(sampleRecord(port: 30_004, time: (2, 42, 9, 0), timers: (0, 0, 0, -1, 30_000), status: 504, bytes: 194,
                                    termination: "sH--", request: "GET /slow\u{1}\"x HTTP/1.1"))
        return records
    }

    static func halog(_ arguments: [String], input: Data) throws -> (output: String, errors: String) {
        let outcome = try ExternalTool.run(halogPath!, arguments, input: input)
        return (outcome.output, outcome.errors)
    }

    @Test func halogReadsTheFileWithoutErrors() throws {
        let path = makeTemporaryDirectory() + "/access.log.gz"
        let pipeline = try LogPipeline(LogPipelineConfiguration(
            loggers: [LoggerSpec(name: "fe_main", targets: [LogTargetSpec("file@" + path)])], tag: "lb", hostname: "lbhost"))
        let records = Self.records()
        for record in records { pipeline.log(record, logger: LogHandle(index: 0), level: LogPipeline.level(for: record, separateErrors: true)) }
        #expect(pipeline.shutdown())
        let text = GzipMembers.lines(ofFile: path).joined(separator: "\n") + "\n"
        let input = Data(text.utf8)

        let status = try Self.halog(["-st"], input: input)
        #expect(status.errors.contains("\(records.count) lines in, 5 lines out, 0 parsing errors"))
        var counts: [String: Int] = [:]
        for line in status.output.split(separator: "\n") {
            let fields = line.split(separator: " ")
            counts[String(fields[0])] = Int(fields[1])
        }
        #expect(counts == ["200": 32, "404": 5, "503": 1, "400": 1, "504": 1])

        let servers = try Self.halog(["-srv"], input: input)
        #expect(servers.errors.contains("0 parsing errors"))
        #expect(servers.output.contains("be_app/web1 "))
        #expect(servers.output.contains("fe_main/<NOSRV> "))

        let termination = try Self.halog(["-tc"], input: input)
        #expect(termination.errors.contains("0 parsing errors"))
        #expect(termination.output.contains("SC 1"))
        #expect(termination.output.contains("PR 1"))
        #expect(termination.output.contains("sH 1"))

        let percentiles = try Self.halog(["-pct"], input: input)
        #expect(percentiles.errors.contains("0 parsing errors"))
        #expect(!percentiles.errors.contains("ERR"))
    }
}
