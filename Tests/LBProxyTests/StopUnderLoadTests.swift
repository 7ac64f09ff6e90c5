import Foundation
import LBTestSupport
import NIOConcurrencyHelpers
import Testing

/// The `lb` process stopped by a signal while 50 keep-alive clients send requests back to back: every
/// request a client sent is answered, the last one with `Connection: close`, and lb exits.
@Suite(.serialized) struct StopUnderLoadTests {
    static let clients = 50

    /// How one client's run ended.
    enum Ending: Sendable, Equatable {
        /// lb answered with `Connection: close`: the client knows not to send more.
        case toldToClose
        /// A request was sent (or sending it failed) and no answer came: a lost request.
        case lost(String)
        /// The run's time bound passed without a stop.
        case timedOut
    }

    @Test(arguments: [SIGTERM, SIGUSR1])
    func noRequestIsLost(signal: Int32) async throws {
        let backend = try await TestBackend(name: "app")
        let port = freePort()
        let lb = try LBProcess(config: TestConfig.proxy(
            port: port, timeouts: .init(connect: "2s", client: "10s", server: "10s"),
            defaults: ["timeout http-keep-alive 10s"], backend: ["server app 127.0.0.1:\(backend.port)"]
        ), name: "stop-\(signal)")
        defer { lb.stop() }
        #expect(lb.banner.contains("Listening on"))

        let endings = try await withThrowingTaskGroup(of: (Ending, Int).self) { group in
            for _ in 0..<Self.clients {
                group.addTask { try await offloaded { Self.sendUntilTold(port: port) } }
            }
            // Every client is busy when the signal comes. Under the whole suite on 2 cores, reaching that
            // once took over 30 s (alone: under a second), so the bound is generous; the clients run for
            // twice as long.
            try await waitUntil("traffic from every client (\(backend.requests.count) requests so far)", within: 90) {
                backend.requests.count > Self.clients * 20
            }
            kill(lb.pid, signal)
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let lost = endings.filter { if case .lost = $0.0 { return true } else { return false } }
        #expect(lost.count == 0, "\(lost.count) of \(Self.clients) clients lost a request: \(lost.prefix(3).map(\.0))")
        #expect(endings.allSatisfy { $0.0 == .toldToClose })
        #expect(endings.map(\.1).reduce(0, +) > Self.clients * 20)
        #expect(lb.process.waitUntilExit(within: 15), "lb still running 15 s after the signal")
        #expect(lb.process.terminationStatus == 0)
        await backend.stop()
    }

    /// Sends requests back to back on one connection until lb says it closes it. Returns how it ended and
    /// how many answers came.
    static func sendUntilTold(port: Int) -> (Ending, Int) {
        guard let client = try? RawClient(port: port, timeoutMilliseconds: 10_000) else { return (.lost("connect"), 0) }
        var answered = 0
        let deadline = ContinuousClock.now + .seconds(180)
        while ContinuousClock.now < deadline {
            do {
                try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            } catch {
                return (.lost("send after \(answered) answers: \(error)"), answered)
            }
            let response: RawClient.Response
            do {
                response = try client.readResponse()
            } catch {
                return (.lost("no answer after \(answered) answers: \(error)"), answered)
            }
            answered += 1
            if response.header("connection")?.lowercased() == "close" { return (.toldToClose, answered) }
        }
        return (.timedOut, answered)
    }

    /// A soft stop lets sessions end by themselves, but no longer than `hard-stop-after`.
    @Test func hardStopAfterBoundsASoftStop() async throws {
        let backend = try await TestBackend(name: "silent") { _ in .hang }
        let port = freePort()
        let lb = try LBProcess(config: TestConfig.proxy(
            port: port, timeouts: .init(connect: "2s", client: "1h", server: "1h"), global: ["hard-stop-after 300ms"],
            backend: ["server app 127.0.0.1:\(backend.port)"]
        ), name: "hard-stop")
        defer { lb.stop() }
        #expect(lb.banner.contains("Listening on"))
        let client = try RawClient(port: port)
        try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        try await waitUntil("the request to reach the server") { backend.requests.count == 1 }
        kill(lb.pid, SIGUSR1)
        // The request would wait an hour for its answer; the process ends at hard-stop-after instead.
        #expect(lb.process.waitUntilExit(within: 10), "lb still running 10 s after SIGUSR1 with hard-stop-after 300ms")
        #expect(client.waitForClose())
        await backend.stop()
    }
}
