import Foundation
import NIOConcurrencyHelpers
import LBTestSupport
import Testing
@testable import LBProxy

/// maxconn (pause accepting, resume below the limit) and graceful stop.
@Suite(.serialized) struct LimitsAndStopTests {
    @Test func frontendMaxconnPausesAcceptingWithoutRefusing() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(
            port: port, timeouts: .init(connect: "2s", client: "10s", server: "10s"),
            defaults: ["timeout http-keep-alive 10s"], frontend: ["maxconn 2"],
            backend: ["server s1 127.0.0.1:\(backend.port)"]))
        let first = try RawClient(port: port), second = try RawClient(port: port)
        for client in [first, second] {
            try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try client.readResponse().status == 200)
        }
        // The third connection completes in the kernel's queue but is not accepted: its request waits.
        let third = try RawClient(port: port, timeoutMilliseconds: 300)
        try third.send("GET /third HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(!third.fill())
        #expect(!third.peerClosed)
        #expect(lb.balancer.currentConnections == 2)
        // Once one connection closes, lb accepts the queued one and answers it.
        first.shutdownWrite()
        _ = first.waitForClose()
        third.setTimeout(milliseconds: 5000)
        let response = try third.readResponse()
        #expect(response.status == 200)
        #expect(backend.requests.last?.path == "/third")
        await lb.stop()
        await backend.stop()
    }

    /// lb accepts several connections per wake-up; near the limit the batch shrinks to the room left, so a
    /// crowd connecting at once never takes a frontend past its maxconn.
    @Test func aBurstOfConnectionsStopsAtMaxconn() async throws {
        let backend = try await TestBackend(name: "silent") { _ in .hang }
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(
            port: port, timeouts: .init(connect: "2s", client: "10s", server: "10s"), global: ["nbthread 1"],
            frontend: ["maxconn 10"], backend: ["server s1 127.0.0.1:\(backend.port)"]))
        var clients: [RawClient] = []
        for _ in 0..<40 {
            let client = try RawClient(port: port)
            try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            clients.append(client)
        }
        // Every accepted connection sends its request on; the accepts that let them in were counted first.
        try await waitUntil("ten requests at the server") { backend.requests.count >= 10 }
        #expect(lb.balancer.currentConnections == 10)
        #expect(backend.requests.count == 10)
        await lb.stop()
        await backend.stop()
    }

    @Test func gracefulStopFinishesInFlightRequests() async throws {
        // The slow request is answered only once lb is draining: its head arrives during the stop.
        let stopped = NIOLockedValueBox<LoadBalancer?>(nil)
        let slow = try await TestBackend(name: "slow") { request in
            guard request.path == "/slow" else { return .send(TestBackend.ok(body: "finished\n")) }
            return .sendWhen(ready: { stopped.withLockedValue { $0?.isDraining ?? false } }, TestBackend.ok(body: "finished\n"))
        }
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(
            port: port, timeouts: .init(connect: "2s", client: "10s", server: "10s"),
            backend: ["server s1 127.0.0.1:\(slow.port)"]))
        let idle = try RawClient(port: port)
        try idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try idle.readResponse()
        let busy = try RawClient(port: port)
        try busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        // Wait until the slow request reached the server, then stop lb while it is in flight.
        try await waitUntil("the slow server to receive both requests") { slow.requests.count >= 2 }
        stopped.withLockedValue { $0 = lb.balancer }
        let stopping = Task { await lb.balancer.shutdown(grace: .seconds(5)) }
        let response = try await offloaded { try busy.readResponse() }
        #expect(response.status == 200)
        #expect(response.bodyText == "finished\n")
        #expect(response.header("connection") == "close")
        #expect(idle.waitForClose())
        await stopping.value
        #expect(throws: (any Error).self) { try RawClient(port: port) }
        await slow.stop()
    }
}
