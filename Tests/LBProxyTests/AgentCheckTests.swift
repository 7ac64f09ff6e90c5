import LBTestSupport
import Testing
@testable import LBProxy

/// `agent-check`: a scripted agent on loopback changes the server's mode, weight and health, and the stats
/// and the event log say what it said.
@Suite(.serialized) struct AgentCheckTests {
    static func row(_ lb: LBHarness) -> [String: String] { statRow(lb, server: "s1") }

    @Test func answersChangeModeWeightAndHealth() async throws {
        let backend = try await TestBackend(name: "s1")
        let agent = try await TestAgent(answer: "drain\n")
        let syslog = UDPReceiver()
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, global: ["log 127.0.0.1:\(syslog.port) local0"], backend: [
            // Checks every 20 ms, each allowed 5 s: a busy machine slows the agent down without timing it out.
            "timeout check 5s",
            "server s1 127.0.0.1:\(backend.port) weight 10 check inter 60s agent-check agent-port \(agent.port) agent-inter 20ms",
        ]), configuredLogging: true)
        let server = lb.balancer.runtime.backends[0].servers[0]

        try await waitUntil("the agent's drain") { server.admin.mode == .drain }
        #expect(Self.row(lb)["status"] == "DRAIN (agent)")

        agent.set("ready,50%\n")
        try await waitUntil("the agent's ready and weight") { server.admin.mode == .ready && server.weight.load(ordering: .relaxed) == 5 }
        #expect(Self.row(lb)["agent_status"] == "CHECKED")
        #expect(Self.row(lb)["agent_desc"] == "No status change")

        agent.set("down #disk full\n")
        try await waitUntil("the agent's down") { !server.healthy.load(ordering: .relaxed) }
        var row = Self.row(lb)
        #expect(row["status"] == "DOWN (agent)")
        #expect(row["agent_status"] == "L7STS")
        #expect(row["agent_code"] == "0")
        #expect(row["agent_desc"] == "Layer7 wrong status")
        #expect(row["last_agt"] == "via agent : down (disk full)")
        #expect(row["agent_health"] == "0")
        #expect(row["agent_rise"] == "1" && row["agent_fall"] == "1")
        #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").status == 503)

        agent.set("up\n")
        try await waitUntil("the agent's up") { server.healthy.load(ordering: .relaxed) }
        row = Self.row(lb)
        #expect(row["status"] == "UP")
        #expect(row["agent_status"] == "L7OK")
        #expect(row["last_agt"] == "via agent : up")
        #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").status == 200)

        agent.set("maint\n")
        try await waitUntil("the agent's maint") { server.admin.mode == .maintenance }
        agent.set("ready\n")
        try await waitUntil("the agent's ready") { server.admin.mode == .ready }

        agent.set("bogus 100%\n")
        try await waitUntil("the agent's error") { (Self.row(lb)["last_agt"]) == "agent reports an error : bogus" }
        #expect(server.weight.load(ordering: .relaxed) == 10)
        #expect(server.healthy.load(ordering: .relaxed) == true)

        // An agent that cannot be reached changes nothing.
        await agent.stop()
        try await waitUntil("the agent to be unreachable") { (Self.row(lb)["agent_status"]) == "L4CON" }
        #expect(server.healthy.load(ordering: .relaxed) == true)
        #expect(Self.row(lb)["last_agt"] == "Connection refused")

        // Wait for the lines looked for, not for a count: the agent's answers and the checks interleave.
        let events = TrafficHealthInteropTests.events(syslog) { events in
            events.contains { $0.hasPrefix("Server be/s1 is UP, reason: Layer7 check passed") }
        }
        #expect(events.contains("Server be/s1 enters drain state. 0 active and 0 backup servers online. 0 sessions requeued, 0 total in queue."),
                "\(events)")
        // The agent said `drain` at every check while drained: only the first one is news.
        #expect(events.filter { $0.contains("enters drain state") }.count == 1, "\(events)")
        #expect(!events.contains { $0.contains("remains in forced drain") }, "\(events)")
        #expect(events.contains { $0.hasPrefix("Server be/s1 is DOWN, reason: Layer7 wrong status, code: 0, info: \"via agent : down (disk full)\", check duration: ") },
                "\(events)")
        #expect(events.contains { $0.hasPrefix("Server be/s1 is UP, reason: Layer7 check passed, code: 0, info: \"via agent : up\", check duration: ") },
                "\(events)")
        await lb.stop()
        await backend.stop()
    }

    /// An agent that connects and says nothing times out: the check reports L7TOUT and changes nothing;
    /// its silence is not taken for an empty answer.
    @Test func aSilentAgentTimesOutAndChangesNothing() async throws {
        let backend = try await TestBackend(name: "s1")
        let agent = try await TestAgent(answer: "down\n", waitForBytes: true)
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, backend: [
            "timeout check 50ms",
            "server s1 127.0.0.1:\(backend.port) weight 10 agent-check agent-port \(agent.port) agent-inter 20ms",
        ]))
        let server = lb.balancer.runtime.backends[0].servers[0]
        try await waitUntil("the agent check to time out; the row says \(Self.row(lb)["agent_status"] ?? "nothing")") {
            Self.row(lb)["agent_status"] == "L7TOUT" && agent.connections.withLockedValue { $0 } >= 3
        }
        #expect(server.healthy.load(ordering: .relaxed) == true)
        #expect(server.admin.mode == .ready)
        #expect(server.weight.load(ordering: .relaxed) == 10)
        #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").status == 200)
        await lb.stop()
        await agent.stop()
        await backend.stop()
    }

    @Test func sendsItsStringToItsAddressAndAnAgentAloneDecidesHealth() async throws {
        let a = try await TestBackend(name: "a"), b = try await TestBackend(name: "b")
        let agent = try await TestAgent(answer: "fail\n", waitForBytes: true)
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, backend: [
            "server a 127.0.0.1:\(a.port) agent-check agent-port \(agent.port) agent-addr 127.0.0.1 agent-send \"hello agent\\n\" agent-inter 20ms",
            "server b 127.0.0.1:\(b.port)",
        ]))
        let server = lb.balancer.runtime.backends[0].servers[0]
        try await waitUntil("the agent's fail") { !server.healthy.load(ordering: .relaxed) }
        #expect(agent.received.withLockedValue { $0 }.first == "hello agent\n")
        for _ in 0..<4 {
            #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").bodyText == "b\n")
        }
        agent.set("up\n")
        try await waitUntil("the agent's up") { server.healthy.load(ordering: .relaxed) }
        await lb.stop()
        await agent.stop()
        await a.stop()
        await b.stop()
    }
}
