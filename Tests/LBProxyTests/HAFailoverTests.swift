import Foundation
import LBTestSupport
import Testing

/// Two lb nodes under keepalived from Debian, in network namespaces (scripts/ha-lab.sh): keepalived's
/// `vrrp_script` asks lb's monitor URI, and the client only ever talks to the VIPs. Skipped, not passed,
/// where the machine cannot make namespaces or keepalived is missing.
@Suite(.serialized, .enabled(if: HALab.unavailable == nil, Comment(rawValue: HALab.unavailable ?? "")))
struct HAFailoverTests {
    @Test func activePassiveFailsOverWithinFiveSecondsAndBack() async throws {
        try await HALab.with(mode: "active-passive") { lab in
            try lab.startLoop(HALab.vip1)
            try await lab.waitForAnswers(HALab.vip1, from: "n1", count: 3)

            let killed = HALab.now
            try lab.signal("n1", SIGKILL)
            let taken = try await lab.waitForAnswers(HALab.vip1, from: "n2", after: killed)
            #expect(taken.time - killed <= 5000, "the backup answered \(taken.time - killed) ms after the kill")

            // lb back on n1: the check passes again, n1's priority is the higher, it takes the VIP back.
            let restarted = HALab.now
            try await lab.start("n1")
            try await lab.waitForAnswers(HALab.vip1, from: "n1", after: restarted, count: 3)
            await lab.stopLoops()
        }
    }

    @Test func aPlannedSoftStopFailsNoRequest() async throws {
        try await HALab.with(mode: "active-passive") { lab in
            try lab.startLoop(HALab.vip1)
            try await lab.waitForAnswers(HALab.vip1, from: "n1", count: 3)

            // SIGUSR1: the monitor URI fails at once, lb serves on for `grace 15s` while the VIP moves
            // (about 2 s on a quiet machine; a loaded one can take several times that).
            let stopped = HALab.now
            try lab.signal("n1", SIGUSR1)
            try await lab.waitForAnswers(HALab.vip1, from: "n2", after: stopped)
            #expect(lab.isRunning("n1"), "lb on n1 still serving its grace")
            try await waitUntil("lb on n1 to finish its soft stop", within: 30) { !lab.isRunning("n1") }
            // And after it is gone, the client still gets answers, from n2.
            let gone = HALab.now
            try await lab.waitForAnswers(HALab.vip1, from: "n2", after: gone, count: 5)
            await lab.stopLoops()
            let answers = lab.answers(HALab.vip1)
            #expect(answers.filter(\.failed).isEmpty,
                    "SIGUSR1 at \(stopped), n1 gone by \(gone); failed, each amid its neighbours: \(Self.around(answers.indices.filter { answers[$0].failed }, in: answers))")
            #expect(answers.contains { $0.node == "n1" } && answers.last?.node == "n2")
        }
    }

    /// While a VIP moves, a client's ARP entry can move between two packets of one connection. The node
    /// the later packets reach holds no such connection and passes them to its peer, which answers.
    @Test func aRequestThatReachesTheNodeWithoutItsConnectionIsAnsweredByThePeer() async throws {
        try await HALab.with(mode: "active-passive") { lab in
            let before = try await lab.passed("n2")
            let answer = try await lab.stray(HALab.vip1, via: "n2")
            #expect(answer.hasPrefix("200 n1 s"), "\(answer)")
            #expect(try await lab.passed("n2") > before, "the request went to n1 directly, not through n2")
        }
    }

    /// The answers just before and after each of `indices`, to tell a failure at the VIP's move from one
    /// at lb's stop.
    private static func around(_ indices: [Int], in answers: [HALab.Answer]) -> String {
        indices.map { index in
            answers[max(0, index - 3)...min(answers.count - 1, index + 3)].map(\.description).joined(separator: ", ")
        }.joined(separator: " | ")
    }

    @Test func activeActiveEachNodeHoldsOneVIPAndTakesTheOther() async throws {
        try await HALab.with(mode: "active-active") { lab in
            try lab.startLoop(HALab.vip1)
            try lab.startLoop(HALab.vip2)
            try await lab.waitForAnswers(HALab.vip1, from: "n1", count: 3)
            try await lab.waitForAnswers(HALab.vip2, from: "n2", count: 3)

            let killed = HALab.now
            try lab.signal("n1", SIGKILL)
            let taken = try await lab.waitForAnswers(HALab.vip1, from: "n2", after: killed)
            #expect(taken.time - killed <= 5000, "n2 answered on VIP 1 \(taken.time - killed) ms after the kill")

            let restarted = HALab.now
            try await lab.start("n1")
            try await lab.waitForAnswers(HALab.vip1, from: "n1", after: restarted, count: 3)
            await lab.stopLoops()
            // VIP 2 never moved: n2 answered every request on it.
            let second = lab.answers(HALab.vip2)
            #expect(second.allSatisfy { $0.node == "n2" && !$0.failed }, "\(second.filter { $0.node != "n2" || $0.failed })")
        }
    }

    /// The two nodes share their stick table through `peers`.
    @Test func aClientPinnedByAStickTableKeepsItsServerAcrossTheFailover() async throws {
        try await HALab.with(mode: "active-passive", peers: true) { lab in
            // The other client takes the first server of the round robin, so this one is pinned to the
            // second: where n2 learned nothing, its round robin would give this client the first.
            let first = try await lab.get(HALab.vip1, from: HALab.otherClient)
            let pinned = try await lab.get(HALab.vip1)
            #expect(first.hasPrefix("200 n1 ") && pinned.hasPrefix("200 n1 "))
            let server = try #require(pinned.split(separator: " ").last.map(String.init))
            #expect(first.split(separator: " ").last.map(String.init) != server)
            #expect(try await lab.get(HALab.vip1) == pinned)
            // n1 pushed the entry to n2.
            try await waitUntil("n2 to learn the client's entry", within: 10) {
                (try? ExternalTool.run("/bin/bash", [HALab.script, "cli", lab.name, "n2", "show table servers"]).output)?
                    .contains("key=\(HALab.client) ") == true
            }
            try lab.signal("n1", SIGKILL)
            try await lab.waitMaster("n2", HALab.vip1)
            #expect(try await lab.get(HALab.vip1) == "200 n2 \(server)")
        }
    }
}
