import NIOConcurrencyHelpers
import LBTestSupport
import Testing
@testable import LBProxy

/// Traffic-based health (`observe`, `error-limit`, `on-error`) and `on-marked-down`, on loopback.
@Suite(.serialized) struct TrafficHealthTests {
    /// Layer 4 counts refused connections; `fail-check` turns each `error-limit` of them into one failed
    /// check, so with `fall 3` the third trip (the sixth refusal) takes the server down.
    @Test func layer4FailCheckCountsRefusedConnections() async throws {
        let alive = try await TestBackend(name: "alive")
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, timeouts: .init(connect: "500ms"), backend: [
            "retries 0",
            "server s1 127.0.0.1:\(freePort()) check port \(alive.port) inter 60s fall 3 observe layer4 error-limit 2 on-error fail-check",
        ]))
        let server = lb.balancer.runtime.backends[0].servers[0]
        try await waitUntil("the first check to pass") { server.lastCheck.load(ordering: .relaxed) == CheckResult.Status.layer4OK.rawValue }
        var refusedWhileUp = 0
        while server.healthy.load(ordering: .relaxed), refusedWhileUp < 10 {
            #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").status == 503)
            refusedWhileUp += 1
        }
        #expect(refusedWhileUp == 6)
        #expect(server.checkReport.trafficTrips.load(ordering: .relaxed) == 3)
        let row = statRow(lb, server: "s1")
        #expect(row["status"] == "DOWN")
        #expect(row["check_status"] == "HANA")
        #expect(row["hanafail"] == "3")
        #expect(row["check_desc"] == "Health analyze")
        #expect(row["last_chk"] == "Detected 2 consecutive errors, last one was: L4 unsuccessful connection")
        #expect(row["check_health"] == "0")
        await lb.stop()
        await alive.stop()
    }

    /// A success clears the count, and 501 and 505 are successes: errors that never come `error-limit` in a
    /// row change nothing.
    @Test func aSuccessBetweenErrorsStartsTheCountOver() async throws {
        let backend = try await TestBackend(name: "s1") { request in
            let status = ["/ok": 200, "/501": 501, "/505": 505][request.path] ?? 503
            return .send(TestBackend.response(status: status, body: "x"))
        }
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, backend: [
            "server s1 127.0.0.1:\(backend.port) check inter 60s observe layer7 error-limit 3 on-error mark-down",
        ]))
        let server = lb.balancer.runtime.backends[0].servers[0]
        for path in ["/a", "/b", "/ok", "/c", "/d", "/501", "/e", "/f", "/505", "/g", "/h"] {
            _ = try fetch(port: port, "GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
        }
        #expect(server.healthy.load(ordering: .relaxed) == true)
        _ = try fetch(port: port, "GET /i HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(server.healthy.load(ordering: .relaxed) == false)
        await lb.stop()
        await backend.stop()
    }

    /// `on-marked-down shutdown-sessions`: the sessions still on the server when it goes down are cut, and
    /// their log says so (`D`).
    @Test func markedDownCutsTheServersSessions() async throws {
        let backend = try await TestBackend(name: "s1") { request in
            request.path == "/slow" ? .hang : .send(TestBackend.response(status: 500, body: "x"))
        }
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, backend: [
            "server s1 127.0.0.1:\(backend.port) check inter 60s observe layer7 error-limit 1 on-error mark-down on-marked-down shutdown-sessions",
        ]), accessLog: log)
        let server = lb.balancer.runtime.backends[0].servers[0]
        let slow = try RawClient(port: port)
        try slow.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        try await waitUntil("the slow request to reach the server") { backend.requests.contains { $0.path == "/slow" } }
        _ = try? fetch(port: port, "GET /err HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(server.healthy.load(ordering: .relaxed) == false)
        #expect(slow.waitForClose())
        let records = await log.waitFor(2)
        let cut = try #require(records.first { $0.requestLine?.contains("/slow") == true })
        #expect(cut.terminationState.hasPrefix("DH"), "\(cut.terminationState)")
        await lb.stop()
        await backend.stop()
    }

    /// `on-error fastinter` changes no health, but the next check comes within `fastinter` instead of `inter`.
    @Test func fastInterBringsTheNextCheckForward() async throws {
        let backend = try await TestBackend(name: "s1") { request in
            .send(request.path == "/health" ? TestBackend.ok(body: "ok") : TestBackend.response(status: 500, body: "x"))
        }
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, backend: [
            "option httpchk GET /health",
            "server s1 127.0.0.1:\(backend.port) check inter 60s fastinter 100ms observe layer7 error-limit 2 on-error fastinter",
        ]))
        let server = lb.balancer.runtime.backends[0].servers[0]
        func checks() -> Int { backend.requests.filter { $0.path == "/health" }.count }
        try await waitUntil("the first check") { checks() == 1 }
        for _ in 0..<2 { _ = try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n") }
        try await waitUntil("a check within fastinter, not inter", within: 10) { checks() == 2 }
        #expect(server.healthy.load(ordering: .relaxed) == true)
        #expect(server.checkReport.trafficTrips.load(ordering: .relaxed) == 1)
        #expect(statRow(lb, server: "s1")["check_status"] == "L7OK")
        await lb.stop()
        await backend.stop()
    }

    /// `on-marked-up shutdown-backup-sessions`: an active server coming back cuts what its backups are
    /// still serving, and their log says so (`U`).
    @Test func markedUpCutsTheBackupsSessions() async throws {
        let failing = NIOLockedValueBox(true)
        let active = try await TestBackend(name: "a") { request in
            guard request.path == "/health" else { return .send(TestBackend.ok(body: "a\n")) }
            return .send(TestBackend.response(status: failing.withLockedValue { $0 } ? 500 : 200, body: "x"))
        }
        let backup = try await TestBackend(name: "b") { request in
            request.path == "/slow" ? .hang : .send(TestBackend.ok(body: "b\n"))
        }
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, backend: [
            "option httpchk GET /health",
            "server a 127.0.0.1:\(active.port) check inter 50ms rise 1 fall 1 on-marked-up shutdown-backup-sessions",
            "server b 127.0.0.1:\(backup.port) backup",
        ]), accessLog: log)
        let server = lb.balancer.runtime.backends[0].servers[0]
        try await waitUntil("the active server to go DOWN") { !server.healthy.load(ordering: .relaxed) }
        let slow = try RawClient(port: port)
        try slow.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        try await waitUntil("the slow request to reach the backup") { backup.requests.contains { $0.path == "/slow" } }
        failing.withLockedValue { $0 = false }
        try await waitUntil("the active server to come back") { server.healthy.load(ordering: .relaxed) }
        #expect(slow.waitForClose())
        let records = await log.waitFor(1)
        let cut = try #require(records.first { $0.requestLine?.contains("/slow") == true })
        #expect(cut.terminationState.hasPrefix("UH"), "\(cut.terminationState)")
        await lb.stop()
        await active.stop()
        await backup.stop()
    }
}
