import Foundation
import LBTestSupport
import Testing

/// Under load from a real client (wrk) while the gzip log file rotates again and again, every request
/// wrk completed is in exactly one record across the rotated files: none lost, none twice.
@Suite(.serialized) struct LogRotationTests {
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        try ExternalTool.run(tool, arguments).output
    }

    @Test func everyRequestIsLoggedExactlyOnceAcrossRotations() async throws {
        let directory = NSTemporaryDirectory() + "lb-rotation-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Each request has its own path (the run's number, then a counter), so a lost or duplicated record
        // shows.
        let script = directory + "/unique.lua"
        try """
        counter = 0
        init = function(args)
          run = args[1]
        end
        request = function()
          counter = counter + 1
          return wrk.format(nil, "/r/" .. run .. "/" .. counter)
        end
        """.write(toFile: script, atomically: true, encoding: .utf8)
        let backend = try await TestBackend(name: "app")
        let port = freePort()
        let lb = try await LBHarness.start("""
            global
                log file@\(directory)/access.log rotate-size=16k keep=0 flush-interval=50ms flush-size=8k local0
            defaults
                mode http
                log global
                option httplog
                timeout connect 1s
                timeout client 5s
                timeout server 5s
            frontend web
                bind 127.0.0.1:\(port)
                default_backend app
            backend app
                server app1 127.0.0.1:\(backend.port)
            """, configuredLogging: true)
        // Load until the file has rotated several times: how many requests that takes in a given time
        // depends on how busy the machine is, so the load goes on in rounds (at most 10) until it has.
        func logFiles() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("access.log") }
        }
        var completed = 0
        var rounds = 0
        while rounds < 10, try logFiles().count <= 3 || completed <= 1000 {
            rounds += 1
            let report = try await offloaded { [rounds] in
                try Self.run("wrk", ["-t1", "-c8", "-d2s", "-s", script, "http://127.0.0.1:\(port)/", "--", "\(rounds)"])
            }
            completed += try #require(report.split(separator: "\n").first { $0.contains(" requests in ") }
                .flatMap { Int($0.split(separator: " ").first ?? "") }, "wrk said: \(report)")
        }
        await lb.stop()
        #expect(completed > 1000)

        let files = try logFiles()
        #expect(files.count > 3, "expected several rotations, found \(files)")
        var paths: [String: Int] = [:]
        var aborted = 0
        for file in files {
            let text = try Self.run("zcat", [directory + "/" + file])
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: " ")
                guard let request = fields.firstIndex(where: { $0.hasPrefix("\"GET") }), request + 1 < fields.count else { continue }
                // wrk's last requests, cut at the end of its run, are logged as client aborts.
                if fields.contains(where: { $0.hasPrefix("C") && $0.count == 4 }) {
                    aborted += 1
                    continue
                }
                paths[String(fields[request + 1]), default: 0] += 1
            }
        }
        // wrk counts a request once it read the response; when a run's time is up it drops the one request
        // in flight on each of its 8 connections, which lb may already have answered (and logged as done).
        #expect(paths.count >= completed && paths.count <= completed + 8 * rounds,
                "records \(paths.count), wrk completed \(completed) in \(rounds) runs, aborted \(aborted)")
        #expect(paths.values.allSatisfy { $0 == 1 }, "a record appears twice")
        #expect(aborted <= 8 * rounds)
        await backend.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
