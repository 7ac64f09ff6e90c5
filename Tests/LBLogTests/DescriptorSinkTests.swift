import Foundation
import LBTestSupport
import Testing
@testable import LBLog

@Suite struct DescriptorSinkTests {
    @Test func fdTargetWritesOneLinePerRecordUntruncated() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let pipeline = try LogPipeline(LogPipelineConfiguration(
            loggers: [LoggerSpec(name: "fe", targets: [LogTargetSpec("fd@\(fds[1])", format: .short)])]))
        var record = sampleRecord(port: 1, time: (0, 0, 0, 0))
        record.requestLine = "GET /" + String(repeating: "a", count: 2000) + " HTTP/1.1"
        pipeline.log(record, logger: LogHandle(index: 0))
        pipeline.event("second", level: .notice, logger: LogHandle(index: 0))
        #expect(pipeline.shutdown())
        close(fds[1])
        let text = String(decoding: ExternalTool.readToEnd(fds[0]), as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("<6>127.0.0.1:1 "))
        #expect(lines[0].hasSuffix(String(repeating: "a", count: 2000) + " HTTP/1.1\""))
        #expect(lines[1] == "<5>second")
    }

    @Test func specFromConfigurationWords() throws {
        let spec = try LogTargetSpec(target: "file@/tmp/x.gz", facilityName: "local3", formatName: "rfc5424", length: 2048,
                                     maxLevelName: "notice", minLevelName: "alert", options: ["keep": "3"])
        #expect(spec == LogTargetSpec("file@/tmp/x.gz", facility: .local3, format: .rfc5424, length: 2048,
                                      maxLevel: .notice, minLevel: .alert, options: ["keep": "3"]))
        #expect(throws: LogPipelineError.self) { try LogTargetSpec(target: "/dev/log", facilityName: "local9") }
        #expect(throws: LogPipelineError.self) { try LogTargetSpec(target: "/dev/log", facilityName: "local0", formatName: "syslog") }
        #expect(throws: LogPipelineError.self) { try LogTargetSpec(target: "/dev/log", facilityName: "local0", maxLevelName: "loud") }
        #expect(throws: LogPipelineError.self) { try LogTargetSpec(target: "file@/x", facilityName: "local0", options: ["size": "1"]) }
    }
}
