import Foundation
import LBTestSupport
import Testing

/// lb's access logs read by the real halog: a varied workload through lb is logged over UDP syslog and
/// to the gzip file target, and halog's counts equal what the test sent, with no parse error.
@Suite(.serialized) struct LoggingInteropTests {
    /// Runs halog with `arguments` on `input`; returns its standard output and error.
    static func halog(_ arguments: [String], input: String) throws -> (output: String, errors: String) {
        let outcome = try ExternalTool.run("halog", arguments, input: input)
        return (outcome.output, outcome.errors)
    }

    static func zcat(_ path: String) throws -> String {
        try ExternalTool.run("zcat", [path]).output
    }

    /// halog's `STATUS COUNT` (or `CODE COUNT`) lines as a dictionary.
    static func counts(_ output: String) -> [String: Int] {
        var result: [String: Int] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, let count = Int(fields[1]) { result[String(fields[0])] = count }
        }
        return result
    }

    @Test func halogReadsLbsLogsFromUDPAndFromTheGzipFile() async throws {
        let receiver = UDPReceiver()
        let directory = NSTemporaryDirectory() + "lb-logs-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let backend = try await TestBackend(name: "app") { request in
            switch request.path {
            case "/missing": return .send(TestBackend.response(status: 404, reason: "Not Found", body: "no"))
            case "/broken": return .send(TestBackend.response(status: 500, reason: "Internal Server Error", body: "err"))
            default: return .send(TestBackend.ok(body: "ok"))
            }
        }
        let port = freePort()
        let lb = try await LBHarness.start("""
            global
                log 127.0.0.1:\(receiver.port) format rfc3164 local0
                log file@\(directory)/access.log flush-interval=100ms local0
            defaults
                mode http
                log global
                option httplog
                timeout connect 200ms
                timeout client 5s
                timeout server 5s
            frontend web
                bind 127.0.0.1:\(port)
                http-request deny if { path /forbidden }
                use_backend dead if { path /dead }
                default_backend app
            backend app
                server app1 127.0.0.1:\(backend.port)
            backend dead
                retries 1
                server gone 127.0.0.1:\(freePort())
            """, configuredLogging: true)
        let plan: [(String, Int)] = [("/", 7), ("/missing", 3), ("/broken", 2), ("/dead", 2), ("/forbidden", 4)]
        let client = try RawClient(port: port)
        for (path, times) in plan where path == "/" || path == "/missing" || path == "/broken" {
            for _ in 0..<times {
                try client.send("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
                _ = try client.readResponse()
            }
        }
        for (path, times) in plan where path == "/dead" || path == "/forbidden" {
            for _ in 0..<times { _ = try fetch(port: port, "GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n") }
        }
        for _ in 0..<3 { _ = try fetch(port: port, "GET / HTTP/1.1\r\nBad Header: x\r\n\r\n") }
        let total = plan.reduce(0) { $0 + $1.1 } + 3

        let datagrams = receiver.receive(count: total)
        #expect(datagrams.count == total)
        // halog reads syslog files: drop the <PRI> the way a syslog daemon does before writing its file.
        let udpFile = datagrams.map { String($0.drop(while: { $0 != ">" }).dropFirst()) }.joined()
        await lb.stop()
        let fileText = try Self.zcat("\(directory)/access.log")

        for (source, text) in [("udp", udpFile), ("file", fileText)] {
            #expect(text.split(separator: "\n").count == total, "\(source):\n\(text)")
            let status = try Self.halog(["-st"], input: text)
            #expect(status.errors.contains("\(total) lines in") && status.errors.contains(" 0 parsing errors"), "\(source): \(status.errors)")
            let byStatus = Self.counts(status.output)
            #expect(byStatus["200"] == 7 && byStatus["404"] == 3 && byStatus["500"] == 2, "\(source): \(byStatus)")
            #expect(byStatus["503"] == 2 && byStatus["403"] == 4 && byStatus["400"] == 3, "\(source): \(byStatus)")
            let termination = Self.counts(try Self.halog(["-tc"], input: text).output)
            #expect(termination["--"] == 12 && termination["SC"] == 2 && termination["PR"] == 7, "\(source): \(termination)")
            let servers = try Self.halog(["-srv", "-H"], input: text).output
            #expect(servers.contains("app/app1 0 7 0 3 2 0 12 12 100.0"), "\(source): \(servers)")
        }
        await backend.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
