import Foundation
import Testing
@testable import LBLog
@testable import LBReport

/// The metrics `lblog serve` derives from log lines, rendered as Prometheus text.
@Suite struct LogMetricsTests {
    static func metrics(_ text: String) -> LogMetrics {
        let tail = LogTail(paths: [writeTemp(text, name: "metrics.log")], fromStart: true)
        var metrics = LogMetrics()
        tail.poll { metrics.observe($0.outcome, $0.entry) }
        return metrics
    }

    @Test func countsRecordsByLabelsAndHistogramsTa() {
        let metrics = Self.metrics(TailFixture.lines.text + "\n")
        let text = String(decoding: metrics.render(), as: UTF8.self)
        #expect(metrics.lines == 6)
        #expect(metrics.unparsed == 1)
        #expect(sampleValue(text, "lblog_lines_total") == 6)
        #expect(sampleValue(text, "lblog_unparsed_lines_total") == 1)
        #expect(sampleValue(text, #"lblog_requests_total{frontend="fe_main",backend="be_app",server="web2",code="2xx"}"#) == 2)
        #expect(sampleValue(text, #"lblog_requests_total{frontend="fe_main",backend="be_api",server="web1",code="5xx"}"#) == 1)
        #expect(sampleValue(text, #"lblog_requests_total{frontend="fe_tcp",backend="be_tcp",server="db1",code="other"}"#) == 1)
        // Ta of 1 and 3 ms on be_app: one at the 1 ms bound (le is inclusive), one under 5 ms.
        #expect(sampleValue(text, #"lblog_request_duration_seconds_bucket{backend="be_app",le="0.001"}"#) == 1)
        #expect(sampleValue(text, #"lblog_request_duration_seconds_bucket{backend="be_app",le="0.0025"}"#) == 1)
        #expect(sampleValue(text, #"lblog_request_duration_seconds_bucket{backend="be_app",le="0.005"}"#) == 2)
        #expect(sampleValue(text, #"lblog_request_duration_seconds_bucket{backend="be_app",le="+Inf"}"#) == 2)
        #expect(sampleValue(text, #"lblog_request_duration_seconds_sum{backend="be_app"}"#) == 0.004)
        #expect(sampleValue(text, #"lblog_request_duration_seconds_count{backend="be_app"}"#) == 2)
        // TCP sessions have no request duration.
        #expect(!text.contains(#"lblog_request_duration_seconds_count{backend="be_tcp"}"#))
    }

    @Test func labelValuesAreEscaped() {
        let line = #"1.2.3.4:5 [25/Nov/2026:02:40:29.039] fe\x"q be"1/s 0/0/0/0/40000 200 1 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1""#
        let text = String(decoding: Self.metrics(line + "\n").render(), as: UTF8.self)
        #expect(text.contains(#"lblog_requests_total{frontend="fe\\x\"q",backend="be\"1",server="s",code="2xx"} 1"#))
        #expect(sampleValue(text, #"lblog_request_duration_seconds_bucket{backend="be\"1",le="30"}"#) == 0)
        #expect(sampleValue(text, #"lblog_request_duration_seconds_bucket{backend="be\"1",le="+Inf"}"#) == 1)
    }

    @Test func emptyMetricsStillListTheLineCounters() {
        let text = String(decoding: LogMetrics().render(), as: UTF8.self)
        #expect(sampleValue(text, "lblog_lines_total") == 0)
        #expect(!text.contains("lblog_requests_total"))
    }

    @Test(.enabled(if: Promtool.path != nil, "promtool not installed (Debian package prometheus)"))
    func promtoolAcceptsTheExposition() throws {
        for text in [TailFixture.lines.text, "", #"1.2.3.4:5 [25/Nov/2026:02:40:29.039] fe\x"q be"1/s 0/0/0/0/1 200 1 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1""#] {
            let exposition = String(decoding: Self.metrics(text + "\n").render(), as: UTF8.self)
            let check = try Promtool.checkMetrics(exposition)
            #expect(check.status == 0, "\(check.output)\n\(exposition)")
            #expect(check.output.isEmpty, "\(check.output)")
        }
    }
}

/// The `lblog serve` executable on a free loopback port: it follows a plain and a gzip log, its
/// counters reach what was appended (and nothing of what was there before it started), anything but
/// GET /metrics is 404, and promtool accepts what it serves.
@Suite(.enabled(if: LBLogProcess.isBuilt, "the lblog executable is not built next to the tests"), .serialized)
struct ServeCommandTests {
    @Test func servesMetricsOfWhatIsAppended() throws {
        let plain = writeTemp(TailFixture.lines.text, name: "access.log")
        let gzip = (plain as NSString).deletingLastPathComponent + "/other.log.gz"
        _ = FileManager.default.createFile(atPath: gzip, contents: Data(gzipped(TailFixture.lines.text)))
        let serve = try LBLogProcess(["serve", "--listen", "127.0.0.1:0", "--interval", "50ms", plain, gzip])
        defer { serve.stop() }
        // The address is announced once the files are open at their end.
        var port = 0
        #expect(eventually {
            guard let range = serve.errors.range(of: #"127\.0\.0\.1:[0-9]+/metrics"#, options: .regularExpression) else { return false }
            port = Int(serve.errors[range].dropFirst("127.0.0.1:".count).dropLast("/metrics".count)) ?? 0
            return port > 0
        }, "\(serve.errors)")
        func metrics() -> String { httpGet(port: port, path: "/metrics").map { $0.status == 200 ? $0.body : "" } ?? "" }
        func value(_ series: String) -> Double { sampleValue(metrics(), series) ?? 0 }
        #expect(eventually { value("lblog_lines_total") == 0 && !metrics().isEmpty })

        // Three requests and one bad line to the plain file, a gzip member with two more to the other.
        let api = #"lblog_requests_total{frontend="fe_main",backend="be_api",server="web1",code="5xx"}"#
        let app = #"lblog_requests_total{frontend="fe_main",backend="be_app",server="web2",code="2xx"}"#
        appendText([LogFormat.httplog.string(TailFixture.record(11)), LogFormat.httplog.string(TailFixture.record(13)),
                    LogFormat.httplogCLF.string(TailFixture.record(12, status: 500, backend: "be_api")), "garbage"]
            .joined(separator: "\n") + "\n", to: plain)
        let handle = try #require(FileHandle(forWritingAtPath: gzip))
        handle.seekToEndOfFile()
        handle.write(Data(gzipped(LogFormat.httplog.string(TailFixture.record(15)) + "\n"
                                  + LogFormat.httplog.string(TailFixture.record(16, status: 503, backend: "be_api")) + "\n")))
        try handle.close()
        #expect(eventually { value("lblog_lines_total") >= 6 }, "\(metrics())")
        let text = metrics()
        #expect(sampleValue(text, "lblog_lines_total") == 6)
        #expect(sampleValue(text, "lblog_unparsed_lines_total") == 1)
        #expect(sampleValue(text, app) == 3)
        #expect(sampleValue(text, api) == 2)
        #expect(sampleValue(text, #"lblog_request_duration_seconds_count{backend="be_app"}"#) == 3)
        #expect(sampleValue(text, #"lblog_request_duration_seconds_sum{backend="be_app"}"#) == 0.039)

        #expect(httpGet(port: port, path: "/")?.status == 404)
        #expect(httpGet(port: port, path: "/metrics/x")?.status == 404)
        #expect(httpGet(port: port, path: "/metrics", method: "POST")?.status == 404)
        #expect(httpGet(port: port, path: "/metrics?scope=x")?.status == 200)
        if Promtool.path != nil {
            let check = try Promtool.checkMetrics(text)
            #expect(check.status == 0 && check.output.isEmpty, "\(check.output)")
        }
        #expect(serve.isRunning)
    }

    @Test func badListenAddressIsABadArgument() throws {
        let serve = try LBLogProcess(["serve", "--listen", "nonsense", "/tmp/x.log"])
        #expect(eventually { !serve.isRunning })
        serve.stop()
        #expect(serve.status == 2)
        #expect(serve.errors.contains("--listen nonsense"))
    }
}
