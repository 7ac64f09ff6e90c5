import NIOConcurrencyHelpers
import LBTestSupport
import Testing
@testable import LBProxy

/// Server `maxconn` with the backend queue: requests wait for a slot in order, and `timeout queue`
/// answers 503 (sQ) to those that waited too long.
@Suite(.serialized) struct QueueTests {
    static func config(port: Int, backend: Int, queueTimeout: String) -> String {
        TestConfig.proxy(port: port, timeouts: .init(client: "60s", server: "60s"),
                         defaults: ["timeout queue \(queueTimeout)"], backend: ["server s1 127.0.0.1:\(backend) maxconn 1"])
    }

    @Test func requestsWaitForTheSlotInOrder() async throws {
        let release = NIOLockedValueBox(0)
        let backend = try await TestBackend(name: "s1") { request in
            let number = Int(request.path.dropFirst()) ?? 0
            // Each answer waits until the test allows that many answers.
            return .sendWhen(ready: { release.withLockedValue { $0 } >= number }, TestBackend.ok(body: "done \(number)\n"))
        }
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port, queueTimeout: "60s"), accessLog: log)
        var clients: [RawClient] = []
        for number in 1...3 {
            let client = try RawClient(port: port)
            try client.send("GET /\(number) HTTP/1.1\r\nHost: x\r\n\r\n")
            clients.append(client)
            // Only one request at a time may reach the server; the others wait in lb's queue, in the order
            // they reached lb. Each connection may be served by another thread, so each request is let in
            // only once the previous one is in place.
            if number == 1 { try await waitUntil("the server to receive the first request") { !backend.requests.isEmpty } }
            if number == 2 { try await waitUntil("the second request in the queue") { lb.balancer.runtime.backends[0].queue.count == 1 } }
        }
        try await waitUntil("two requests in the queue") { lb.balancer.runtime.backends[0].queue.count >= 2 }
        #expect(backend.requests.count == 1)
        for number in 1...3 {
            release.withLockedValue { $0 = number }
            let response = try await offloaded { [client = clients[number - 1]] in try client.readResponse() }
            #expect(response.bodyText == "done \(number)\n")
        }
        #expect(backend.requests.map(\.path) == ["/1", "/2", "/3"])
        let records = await log.waitFor(3)
        let third = try #require(records.first { $0.requestLine == "GET /3 HTTP/1.1" })
        #expect(third.backendQueue == 1)
        #expect(third.timeQueue >= 0)
        #expect(lb.balancer.runtime.backends[0].queue.maximum == 2)
        await lb.stop()
        await backend.stop()
    }

    @Test func queueTimeoutGives503sQ() async throws {
        let backend = try await TestBackend(name: "s1") { request in request.path == "/hold" ? .hang : .send(TestBackend.ok(body: "x")) }
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port, queueTimeout: "200ms"), accessLog: log)
        let holder = try RawClient(port: port)
        try holder.send("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n")
        try await waitUntil("the server to receive the held request") { !backend.requests.isEmpty }
        let waiting = try await offloaded { try fetch(port: port, "GET /late HTTP/1.1\r\nHost: x\r\n\r\n") }
        #expect(waiting.status == 503)
        let record = try #require(await log.waitFor(1).first { $0.requestLine == "GET /late HTTP/1.1" })
        #expect(record.terminationState == "sQ--")
        #expect(record.timeConnect == -1)
        #expect(lb.balancer.runtime.backends[0].queue.count == 0)
        await lb.stop()
        await backend.stop()
    }
}
