import Foundation
import LBTestSupport
import Testing
@testable import LBLog

let rsyslogdPath: String? = ["/usr/sbin/rsyslogd", "/usr/bin/rsyslogd", "/sbin/rsyslogd"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }

/// A real rsyslogd on loopback (configuration generated in a temporary directory) receives lb's RFC 3164
/// and RFC 5424 messages over UDP and over a unix datagram socket and writes them to a file: every
/// message must arrive intact, with tag, hostname, priority and structured data parsed by rsyslog.
@Suite(.serialized, .enabled(if: rsyslogdPath != nil, "rsyslogd not installed (Debian package rsyslog)"))
struct RsyslogInteropTests {

    static let line = #"127.0.0.1:54800 [25/Nov/2026:02:40:29.039] fe_main be_app/web1 0/0/0/0/0 200 185 - - --NI 1/1/0/0/0 0/0 {127.0.0.1:18080|curl/8.0} "GET /index.html HTTP/1.1""#

    @Test func receivesRFC3164AndRFC5424OverUDPAndUnixSocket() throws {
        let directory = makeTemporaryDirectory("rsyslog")
        let socketPath = directory + "/log.sock"
        let output = directory + "/out.log"
        let port = Self.freeUDPPort()
        let configuration = """
            global(workDirectory="\(directory)")
            module(load="imudp")
            module(load="imuxsock" SysSock.Use="off")
            input(type="imudp" address="127.0.0.1" port="\(port)")
            input(type="imuxsock" Socket="\(socketPath)" UseSpecialParser="off" ParseHostname="on" RateLimit.Interval="0")
            template(name="fields" type="string" string="%syslogtag%|%hostname%|%pri%|%structured-data%|%msg%\\n")
            *.* action(type="omfile" file="\(output)" template="fields")
            """
        try configuration.write(toFile: directory + "/rsyslog.conf", atomically: true, encoding: .utf8)
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: try #require(rsyslogdPath))
        process.arguments = ["-n", "-f", directory + "/rsyslog.conf", "-i", directory + "/rsyslogd.pid"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try ProcessLaunch.run(process)
        defer {
            // At once: the test has what it needs, and rsyslogd takes its time over SIGTERM.
            process.signal(SIGKILL)
            process.waitUntilExit()
        }
        #expect(eventually(timeout: 10) { FileManager.default.fileExists(atPath: socketPath) })

        func target(_ where_: String, _ format: SyslogFormat) -> LogTargetSpec { LogTargetSpec(where_, facility: .local0, format: format) }
        let pipeline = try LogPipeline(LogPipelineConfiguration(loggers: [
            LoggerSpec(name: "probe", targets: [target("127.0.0.1:\(port)", .rfc3164), target(socketPath, .rfc3164)], tag: "probe"),
            LoggerSpec(name: "udp3164", targets: [target("127.0.0.1:\(port)", .rfc3164)], tag: "lbudp3164"),
            LoggerSpec(name: "udp5424", targets: [target("127.0.0.1:\(port)", .rfc5424)], tag: "lbudp5424"),
            LoggerSpec(name: "unix3164", targets: [target(socketPath, .rfc3164)], tag: "lbunix3164"),
            LoggerSpec(name: "unix5424", targets: [target(socketPath, .rfc5424)], tag: "lbunix5424"),
        ], hostname: "lbhost", pid: 8293))
        defer { pipeline.shutdown() }

        // rsyslog is ready once a probe arrives on both inputs.
        let ready = eventually(timeout: 10) {
            pipeline.event("probe", level: .info, logger: LogHandle(index: 0))
            pipeline.flush()
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            return text.components(separatedBy: "probe").count >= 4
        }
        #expect(ready)

        let record = sampleRecord(port: 54800, time: (2, 40, 29, 39))
        for index in 1...4 { pipeline.log(record, logger: LogHandle(index: index), level: index % 2 == 0 ? .err : .info) }
        pipeline.flush()
        var lines: [String] = []
        #expect(eventually(timeout: 10) {
            lines = ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
                .filter { $0.hasPrefix("lb") }
            return lines.count == 4
        })
        for tag in ["lbudp3164", "lbudp5424", "lbunix3164", "lbunix5424"] {
            let received = try #require(lines.first { $0.hasPrefix(tag) }, "\(tag) missing in \(lines)")
            let fields = received.split(separator: "|", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
            #expect(fields.count == 5)
            guard fields.count == 5 else { continue }
            #expect(fields[1] == "lbhost")
            let is5424 = tag.hasSuffix("5424")
            #expect(fields[2] == (is5424 ? "131" : "134"))
            #expect(fields[4].trimmingCharacters(in: .whitespaces) == Self.line)
            if is5424 {
                #expect(fields[0] == tag + "[8293]")
                #expect(fields[3].hasPrefix(#"[lb@32473 fe="fe_main" be="be_app" srv="web1" st="200" TR="0""#))
            } else {
                #expect(fields[0] == tag + "[8293]:")
                #expect(fields[3] == "-")
            }
        }
    }

    static func freeUDPPort() -> Int {
        let receiver = DatagramReceiver()
        return receiver.port
    }
}
