import Foundation
import LBTestSupport
import Testing

/// The `lb` executable itself: configuration check, demo configuration, version.
@Suite(.serialized) struct CommandTests {
    /// The `lb` binary built next to the test bundle.
    static var lbPath: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = bundle.deletingLastPathComponent()
        if directory.lastPathComponent.hasSuffix(".xctest") { directory.deleteLastPathComponent() }
        let candidate = directory.appendingPathComponent("lb").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        return Fixtures.root + "/.build/debug/lb"
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let outcome = try ExternalTool.run(lbPath, arguments)
        return (outcome.status, outcome.output, outcome.errors)
    }

    @Test func articleConfigurationPassesTheCheck() throws {
        for name in ["article.cfg", "article-loopback.cfg"] {
            let result = try Self.run(["-c", "-f", Fixtures.path("configs/\(name)")])
            #expect(result.status == 0, "\(name): \(result.errors)")
            #expect(result.output.contains("Configuration file is valid"))
            #expect(!result.errors.contains(": error:"))
        }
    }

    @Test func badConfigurationListsEveryErrorWithItsLine() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lb-bad-\(getpid()).cfg").path
        try """
        defaults
            mode http
            timeout connect 10q
        frontend fe
            bind 127.0.0.1:99999
            default_backend missing
        backend be
            server s1 not-an-address:80:90
            bogus-keyword 1
        """.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try Self.run(["-c", "-f", path])
        #expect(result.status == 1)
        for line in [3, 5, 6, 9] {
            #expect(result.errors.contains("\(path):\(line): error:"), "line \(line) in: \(result.errors)")
        }
    }

    @Test func versionAndDefaultConfig() throws {
        let version = try Self.run(["-v"])
        #expect(version.status == 0)
        #expect(version.output.hasPrefix("lb version "))
        let printed = try Self.run(["--print-default-config"])
        #expect(printed.output.contains("bind 127.0.0.1:8080"))
        #expect(printed.output.contains("bind 127.0.0.1:8404"))
        let check = try Self.run(["-c"])
        #expect(check.status == 0, "\(check.errors)")
    }

    @Test func unknownArgumentIsRefused() throws {
        let result = try Self.run(["--no-such-flag"])
        #expect(result.status != 0)
        #expect(result.errors.contains("--no-such-flag"))
    }
}

/// The README's run command, driven by a real client: `lb` on its embedded configuration answers curl.
@Suite(.serialized) struct DefaultConfigurationRunTests {
    @Test func demoAnswersCurlAndStopsOnSIGTERM() async throws {
        // The demo writes its gzip log under the directory it starts in.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lb-demo-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = ChildProcess()
        process.currentDirectoryURL = directory
        process.executableURL = URL(fileURLWithPath: CommandTests.lbPath)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try ProcessLaunch.run(process)
        defer { process.stop() }
        // The banner is printed once every listener is bound (lb is killed should it not come in 20 s).
        let banner = process.read(out, until: "Stop with", within: 20)
        #expect(banner.contains("http://127.0.0.1:8080/"))
        #expect(banner.contains("http://127.0.0.1:8404/stats"))
        #expect(banner.contains("http://127.0.0.1:8404/metrics"))
        #expect(banner.contains("lblog report lb-logs/access.log.gz"), "\(banner)")

        var answers: [String] = []
        for _ in 0..<2 {
            let curl = try await ExternalTool.run("curl", ["-sS", "--max-time", "10", "http://127.0.0.1:8080/"])
            #expect(curl.status == 0, "\(curl.errors)")
            answers.append(curl.output)
        }
        #expect(Set(answers) == ["Hello from app1\n", "Hello from app2\n"])

        // The stats listener serves the Prometheus view too, with the README's command.
        let metrics = try await ExternalTool.run("curl", ["-sS", "--max-time", "10", "-u", "admin:admin", "-w", "%{http_code}",
                                                    "http://127.0.0.1:8404/metrics"])
        #expect(metrics.output.hasSuffix("200"), "\(metrics.output.suffix(200)) \(metrics.errors)")
        #expect(metrics.output.contains("haproxy_frontend_http_requests_total{proxy=\"demo\"} 2"))

        process.terminate()  // SIGTERM: graceful stop
        #expect(process.waitUntilExit(within: 15), "lb still running 15 s after SIGTERM")
        process.stop()
        #expect(process.terminationStatus == 0)

        // Every request is in the gzip file, flushed at the stop.
        let log = try await ExternalTool.run("zcat", [directory.appendingPathComponent("lb-logs/access.log.gz").path])
        #expect(log.status == 0, "\(log.errors)")
        #expect(log.output.split(separator: "\n").filter { $0.contains(" demo apps/app") }.count == 2, "\(log.output)")
    }
}
