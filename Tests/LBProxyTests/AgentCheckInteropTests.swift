import Foundation
import LBTestSupport
import Testing
@testable import LBProxy

/// The same agent answers given to haproxy 2.6 and to lb: each answer leaves the server in the same state,
/// at the same weight, with the same agent columns in `show stat`.
@Suite(.serialized, .enabled(if: RuntimeAPIInterop.haproxyPath != nil, "needs haproxy (Debian package haproxy)"))
struct AgentCheckInteropTests {
    static func config(_ peer: RuntimeAPIInterop.Peer, backend: Int, agent: Int) -> String {
        """
        global
            stats socket \(peer.admin) mode 600 level admin
        defaults
            mode http
            timeout connect 1s
            timeout client 10s
            timeout server 10s
        frontend fe
            bind 127.0.0.1:\(peer.port)
            default_backend be
        backend be
            server s1 127.0.0.1:\(backend) weight 10 check inter 60s agent-check agent-port \(agent) agent-inter 30ms

        """
    }

    /// The columns compared, from `s1`'s row.
    static let compared = ["status", "weight", "agent_status", "agent_code", "agent_desc", "last_agt", "agent_health",
                           "agent_rise", "agent_fall", "check_status"]

    static func fields(_ peer: RuntimeAPIInterop.Peer) throws -> [String: String] {
        let lines = try peer.ask("show stat").split(separator: "\n")
        guard let header = lines.first, let row = lines.first(where: { $0.hasPrefix("be,s1,") }) else { return [:] }
        let names = header.dropFirst(2).split(separator: ",", omittingEmptySubsequences: false)
        let values = row.split(separator: ",", omittingEmptySubsequences: false)
        var fields: [String: String] = [:]
        for (name, value) in zip(names, values) where compared.contains(String(name)) { fields[String(name)] = String(value) }
        return fields
    }

    /// The health check's `inter 60s` keeps it from changing the counter during the steps (the state after
    /// leaving maintenance is `UP 1/3` until the next check); haproxy spreads its first checks over that
    /// interval, so its agent starts about 30 s in, and the first step waits for it.
    @Test func sameAnswersSameStates() async throws {
        let backend = try await TestBackend(name: "s1")
        let haproxyAgent = try await TestAgent(answer: "up\n"), lbAgent = try await TestAgent(answer: "up\n")
        let directory = NSTemporaryDirectory() + "lb-agent-interop-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let haproxy = RuntimeAPIInterop.Peer(name: "haproxy", port: freePort(), admin: directory + "/h.sock", user: directory + "/h.sock")
        let lb = RuntimeAPIInterop.Peer(name: "lb", port: freePort(), admin: directory + "/l.sock", user: directory + "/l.sock")
        try Self.config(haproxy, backend: backend.port, agent: haproxyAgent.port)
            .write(toFile: directory + "/haproxy.cfg", atomically: true, encoding: .utf8)
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: RuntimeAPIInterop.haproxyPath!)
        process.arguments = ["-db", "-f", directory + "/haproxy.cfg"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try ProcessLaunch.run(process)
        defer { process.stop() }
        let harness = try await LBHarness.start(Self.config(lb, backend: backend.port, agent: lbAgent.port))
        try await RuntimeAPIInterop.waitFor("haproxy's stats socket") {
            FileManager.default.fileExists(atPath: haproxy.admin) && (try? haproxy.ask("show info"))?.hasPrefix("Name: HAProxy") == true
        }

        let answers = ["drain", "ready 50%", "down #disk full", "up", "bogus", "fail , 20%", "maint", "ready up 100%", "7%x"]
        for answer in answers {
            let before = (haproxyAgent.connections.withLockedValue { $0 }, lbAgent.connections.withLockedValue { $0 })
            haproxyAgent.set(answer + "\n")
            lbAgent.set(answer + "\n")
            // Three more connections to each agent: one may have been taken before the change, the next one
            // got the new answer, and a third means that answer was applied (each peer checks one at a time).
            try await RuntimeAPIInterop.waitFor("both to ask their agent three times after '\(answer)'") {
                haproxyAgent.connections.withLockedValue { $0 } >= before.0 + 3 && lbAgent.connections.withLockedValue { $0 } >= before.1 + 3
            }
            // haproxy marks a check in progress with `* ` and shows no `last_agt` meanwhile; lb, whose agent
            // checks are written at once when they end, has no such state: haproxy's row is read between checks.
            var fromHAProxy: [String: String] = [:]
            try await RuntimeAPIInterop.waitFor("haproxy between two agent checks") {
                fromHAProxy = try Self.fields(haproxy)
                return fromHAProxy["agent_status"]?.hasPrefix("* ") == false
            }
            let fromLB = try Self.fields(lb)
            #expect(fromHAProxy.count == Self.compared.count, "\(answer): \(fromHAProxy)")
            #expect(fromLB == fromHAProxy, "after '\(answer)'")
        }
        await harness.stop()
        await haproxyAgent.stop()
        await lbAgent.stop()
        await backend.stop()
    }
}
