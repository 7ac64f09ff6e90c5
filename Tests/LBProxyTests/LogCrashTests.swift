import Foundation
import LBTestSupport
import NIOConcurrencyHelpers
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `kill -9` under load: the gzip log is a series of complete members, so everything flushed before the
/// kill is readable, and at most about one flush interval of records is lost.
@Suite(.serialized) struct LogCrashTests {
    /// Whether lb still runs, how it ended otherwise, and what it said: for a client that lost it early.
    static func state(of lb: LBProcess) -> String {
        let state: String
        if lb.process.isRunning {
            state = "running"
        } else {
            let how = lb.process.terminationReason == .uncaughtSignal ? "signal" : "status"
            state = "gone (\(how) \(lb.process.terminationStatus))"
        }
        return "lb is \(state); it said: \(lb.errors.suffix(2000))"
    }

    @Test func killMinus9LosesAtMostTheLastFlushInterval() async throws {
        let directory = NSTemporaryDirectory() + "lb-crash-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let backend = try await TestBackend(name: "app")
        let port = freePort()
        let lb = try LBProcess(config: """
        global
            log file@\(directory)/access.log flush-interval=100ms local0
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
        """, name: "crash")
        defer { lb.stop() }
        #expect(lb.banner.contains("Stop with"))

        // One client, one request after another, each with its own path; the count of answered ones is
        // what the log must hold (minus the last flush interval) after the kill.
        let answered = NIOLockedValueBox(0)
        // When each request was answered (index: its number - 1), to tell how old the lost ones were.
        let answeredAt = NIOLockedValueBox<[ContinuousClock.Instant]>([])
        let stop = NIOLockedValueBox(false), loadEnded = NIOLockedValueBox(false)
        // Why the client stopped before it was told to, for the failure message.
        let stopReason = NIOLockedValueBox("")
        let load = Task {
            try await offloaded {
                defer { loadEnded.withLockedValue { $0 = true } }
                // Connected here, just before the first request: a connection made earlier can sit idle
                // past `timeout client` while the task waits for a thread, and get a 408.
                let client = try RawClient(port: port)
                var number = 0
                while !stop.withLockedValue({ $0 }) {
                    number += 1
                    do {
                        try client.send("GET /c/\(number) HTTP/1.1\r\nHost: x\r\n\r\n")
                        let response = try client.readResponse()
                        guard response.status == 200 else { throw RawClient.Failure(description: "status \(response.status)") }
                    } catch {
                        stopReason.withLockedValue { $0 = "request \(number): \(error)" }
                        break
                    }
                    answeredAt.withLockedValue { $0.append(.now) }
                    answered.withLockedValue { $0 = number }
                }
            }
        }
        // The client stops at the first request lb does not answer: then the wait ends too, and fails.
        // Alone, 2000 requests take a second. Early in the full suite, with every suite starting at once
        // on 2 cores, each of the four hops of a request waits for a core, and they once took over 30 s
        // with every answer in time: the bound is for a client that stalls, not for a slow machine.
        try await waitUntil("2000 answered requests (\(answered.withLockedValue { $0 }) so far)", within: 120) {
            try #require(answered.withLockedValue({ $0 }) >= 2000 || !loadEnded.withLockedValue({ $0 }),
                         "the client stopped after \(answered.withLockedValue { $0 }) answers: \(stopReason.withLockedValue { $0 }); \(Self.state(of: lb))")
            return answered.withLockedValue({ $0 }) >= 2000
        }
        kill(lb.pid, SIGKILL)
        let killedAt = ContinuousClock.now
        stop.withLockedValue { $0 = true }
        _ = try? await load.value
        lb.process.waitUntilExit()
        let done = answered.withLockedValue { $0 }

        // zcat prints every complete member and stops at a member the kill cut short.
        let text = try await ExternalTool.run("zcat", [directory + "/access.log"]).output
        let logged = text.split(separator: "\n").compactMap { line -> Int? in
            guard let range = line.range(of: "\"GET /c/") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        // What was logged is exactly the first requests, in order, each once.
        #expect(!logged.isEmpty && logged == Array(1...logged.count))
        // Only the last flush interval's records may be lost: every request answered before that was
        // written. Measured in time, as the promise is: the oldest lost request was answered at most one
        // flush interval (100 ms) plus scheduling slack (250 ms: the writer thread shares 2 cores with
        // the whole test run) before the kill.
        #expect(logged.count <= done + 1)
        let times = answeredAt.withLockedValue { $0 }
        if logged.count < min(done, times.count) {
            let oldestLost = times[logged.count]
            #expect(killedAt - oldestLost <= .milliseconds(350),
                    "logged \(logged.count) of \(done) answered; the oldest lost was answered \(killedAt - oldestLost) before the kill")
        }
        await backend.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
