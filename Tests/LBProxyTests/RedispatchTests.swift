import LBTestSupport
import NIOConcurrencyHelpers
import Testing
@testable import LBProxy

/// A failed connection leaves a server the checks took out at once, and rotating balancers move on at
/// once: HTTP and TCP follow the same retry policy and count the same things.
@Suite(.serialized) struct RedispatchTests {
    /// `option persist` sends a request to its cookie's server even while it is DOWN; the refused connect
    /// then goes elsewhere without the 1 s pauses of retrying a server that is known to be down.
    @Test func aDownServerIsLeftAtOnce() async throws {
        let alive = try await TestBackend(name: "alive")
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, timeouts: .init(connect: "2s"), backend: [
            "balance first",
            "retries 3",
            "option redispatch",
            "option persist",
            "cookie SRV insert indirect",
            "server dead 127.0.0.1:\(freePort()) cookie d check inter 50ms fall 1 rise 1",
            "server alive 127.0.0.1:\(alive.port) cookie a check inter 50ms fall 1 rise 1",
        ]), accessLog: log)
        let dead = lb.balancer.runtime.backends[0].servers[0]
        try await waitUntil("checks to mark the dead server DOWN") { !dead.healthy.load(ordering: .relaxed) }
        let started = ContinuousClock.now
        let response = try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\nCookie: SRV=d\r\n\r\n")
        let elapsed = ContinuousClock.now - started
        #expect(response.status == 200)
        #expect(response.bodyText == "alive\n")
        // Retrying the dead server would pause min(timeout connect, 1 s) = 1 s before each of 3 retries.
        #expect(elapsed < .milliseconds(900), "took \(elapsed)")
        #expect(dead.connectionErrors.load(ordering: .relaxed) == 1)
        #expect(dead.redispatches.load(ordering: .relaxed) == 1)
        let record = try #require(await log.waitFor(1).first)
        #expect(record.redispatched)
        #expect(record.retries == 1)
        #expect(record.server == "alive")
        await lb.stop()
        await alive.stop()
    }

    /// In TCP mode a refused connect under roundrobin moves to the other server at once, and the
    /// redispatch is counted and logged as in HTTP mode.
    @Test func tcpRedispatchesAtOnceAndCountsIt() async throws {
        let echo = try await EchoServer.start()
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start("""
            defaults
                mode tcp
                timeout connect 2s
                timeout client 5s
                timeout server 5s
            listen tcp_echo
                bind 127.0.0.1:\(port)
                balance roundrobin
                retries 3
                option redispatch
                server dead 127.0.0.1:\(freePort())
                server echo 127.0.0.1:\(echo.port)
            """, accessLog: log)
        let started = ContinuousClock.now
        for round in 0..<4 {
            let client = try RawClient(port: port)
            let message = Array("round \(round)".utf8)
            try client.send(message)
            while client.pending.count < message.count, client.fill() {}
            #expect(client.pending == message)
        }
        let elapsed = ContinuousClock.now - started
        // Half of the connections were first sent to the dead server; each left it without a pause.
        #expect(elapsed < .milliseconds(900), "took \(elapsed)")
        let dead = lb.balancer.runtime.backends[0].servers[0]
        #expect(dead.redispatches.load(ordering: .relaxed) == 2)
        #expect(dead.retries.load(ordering: .relaxed) == 2)
        let records = await log.waitFor(4)
        #expect(records.filter(\.redispatched).count == 2)
        #expect(records.allSatisfy { $0.server == "echo" })
        await lb.stop()
        await echo.stop()
    }

    /// The reproduction: two checked servers under steady load, one killed. Requests that were
    /// sent to it move on at once, and none waits out retry pauses once the checks mark it down.
    @Test func killingAServerUnderLoadKeepsEveryRequestFast() async throws {
        let a = try await TestBackend(name: "a")
        let b = try await TestBackend(name: "b")
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, timeouts: .init(connect: "2s"), backend: [
            "retries 3",
            "option redispatch",
            "option httpchk",
            "server a 127.0.0.1:\(a.port) check inter 500ms fall 2 rise 2",
            "server b 127.0.0.1:\(b.port) check inter 500ms fall 2 rise 2",
        ]))
        let serverA = lb.balancer.runtime.backends[0].servers[0]
        let markedDown = NIOLockedValueBox(false)
        let results = try await withThrowingTaskGroup(of: [(status: Int, seconds: Double)].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await offloaded {
                        var results: [(status: Int, seconds: Double)] = []
                        var client = try RawClient(port: port)
                        let clock = ContinuousClock()
                        let end = clock.now + .seconds(10)
                        // Until the checks have marked the killed server down and some traffic followed.
                        var afterDown = 0
                        while afterDown < 200, clock.now < end {
                            if markedDown.withLockedValue({ $0 }) { afterDown += 1 }
                            let started = clock.now
                            let response: RawClient.Response
                            do {
                                try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                                response = try client.readResponse()
                            } catch {
                                results.append((0, (clock.now - started).seconds))
                                client = try RawClient(port: port)
                                continue
                            }
                            results.append((response.status, (clock.now - started).seconds))
                            if response.header("connection") == "close" { client = try RawClient(port: port) }
                        }
                        return results
                    }
                }
            }
            try await waitUntil("traffic on both servers") { a.requests.count > 50 && b.requests.count > 50 }
            await a.stop()
            try await waitUntil("checks to mark the killed server DOWN") { !serverA.healthy.load(ordering: .relaxed) }
            markedDown.withLockedValue { $0 = true }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let slowest = results.map(\.seconds).max() ?? 0
        #expect(slowest < 1.5, "slowest request took \(slowest) s")
        // Only a request already sent to the server when it died can fail (502, as with haproxy without
        // `retry-on`): at most one per client. Everything after it is answered.
        let failed = results.filter { $0.status != 200 }
        #expect(failed.count <= 8 && failed.allSatisfy { $0.status == 502 }, "\(failed.count) of \(results.count) failed: \(failed.prefix(5))")
        await lb.stop()
        await b.stop()
    }
}

private extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
