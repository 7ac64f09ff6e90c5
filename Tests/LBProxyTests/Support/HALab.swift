import Foundation
import LBTestSupport
import NIOConcurrencyHelpers

/// The keepalived pair of `scripts/ha-lab.sh` (network namespaces, two nodes, servers, a client) driven
/// from a test: the script sets the lab up and starts the processes inside it; the test kills, stops
/// and restarts them and reads what the client saw. `down()` leaves nothing behind, whatever happened.
/// The script's steps block for seconds (waiting for keepalived), so they run off the test's threads.
final class HALab: Sendable {
    static let script = Fixtures.root + "/scripts/ha-lab.sh"
    static let vip1 = "10.231.0.100", vip2 = "10.231.0.101"
    /// The client's two addresses (requests go out from the first unless told).
    static let client = "10.231.0.10", otherClient = "10.231.0.11"

    /// Why this machine cannot run the lab (not root, no namespaces, keepalived missing), or nil.
    static let unavailable: String? = {
        do {
            let outcome = try ExternalTool.run("/bin/bash", [script, "check"], limit: 30)
            return outcome.status == 0 ? nil : outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            return "\(script) check failed: \(error)"
        }
    }()

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// One request of a client loop: when it was sent (ms since the epoch) and what came back.
    struct Answer: CustomStringConvertible {
        let time: Int64
        /// `200`, or `fail` (curl's exit status in `node`).
        let status: String
        let node: String
        let server: String
        var failed: Bool { status != "200" }
        var description: String { "\(time) \(status) \(node) \(server)" }
    }

    let name: String
    let proxy: String
    private let loops = NIOLockedValueBox<[ChildProcess]>([])

    var directory: String { "/tmp/\(name).d" }

    /// Creates the namespaces, writes the configurations and starts keepalived on both nodes.
    init(mode: String, proxy: String = CommandTests.lbPath, peers: Bool = false) async throws {
        name = "lbha\(UInt16.random(in: 0...UInt16.max))"
        self.proxy = proxy
        do {
            try await run(["up", name, mode, proxy] + (peers ? ["peers"] : []))
        } catch {
            await down()
            throw error
        }
    }

    @discardableResult
    func run(_ arguments: [String], limit: Int = 60) async throws -> String {
        try await offloaded {
            let outcome = try ExternalTool.run("/bin/bash", [Self.script] + arguments, limit: limit)
            guard outcome.status == 0 else {
                throw Failure(description: "ha-lab.sh \(arguments.joined(separator: " ")) failed: \(outcome.output) \(outcome.errors)")
            }
            return outcome.output
        }
    }

    /// Starts the proxy on `node` (n1, n2 or srv) and waits until it answers.
    func start(_ node: String) async throws { try await run(["start", name, node]) }

    func pid(_ node: String) throws -> Int32 {
        let text = try String(contentsOfFile: "\(directory)/\(node).pid", encoding: .utf8)
        guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw Failure(description: "no pid for \(node)") }
        return pid
    }

    func signal(_ node: String, _ signal: Int32) throws { kill(try pid(node), signal) }

    /// True while the proxy started on `node` runs. The script that started it is gone, so once it exits
    /// it waits as a zombie for whoever adopted it to reap it: that counts as gone.
    func isRunning(_ node: String) -> Bool {
        guard let pid = try? pid(node) else { return false }
        return !ProcessEnd.hasEnded(pid)
    }

    func waitMaster(_ node: String, _ vip: String) async throws { try await run(["wait-master", name, node, vip]) }

    /// One request from the client: `status node server`.
    func get(_ vip: String, from source: String = HALab.client) async throws -> String {
        try await run(["get", name, vip, source]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// One request on a connection opened to `vip`'s master, sent after the client's ARP entry for
    /// `vip` moved to `node`: `status node server`, or `fail ...`.
    func stray(_ vip: String, via node: String) async throws -> String {
        try await run(["stray", name, vip, node]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// How many packets `node` has passed to its peer because it holds no connection for them.
    func passed(_ node: String) async throws -> Int {
        let text = try await run(["passed", name, node]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let count = Int(text) else { throw Failure(description: "ha-lab.sh passed printed \(text)") }
        return count
    }

    func cli(_ node: String, _ command: String) async throws -> String { try await run(["cli", name, node, command]) }

    /// Starts a client that requests `vip` over and over (a new connection each time) until `stopLoops`.
    func startLoop(_ vip: String, from source: String = HALab.client) throws {
        let output = "\(directory)/loop-\(vip)-\(source).txt"
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.script, "loop", name, vip, output, source]
        // A request is failed when refused, reset or unanswered for 5 s: on a machine busy with the rest
        // of the test run, a request can wait for the CPU longer than a shorter bound.
        process.environment = ProcessInfo.processInfo.environment.merging(["HA_CLIENT_TIMEOUT": "5"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try ProcessLaunch.run(process)
        loops.withLockedValue { $0.append(process) }
    }

    /// What the loop on `vip` saw so far.
    func answers(_ vip: String, from source: String = HALab.client) -> [Answer] {
        let path = "\(directory)/loop-\(vip)-\(source).txt"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count >= 2, let time = Int64(fields[0]) else { return nil }
            return Answer(time: time, status: fields[1], node: fields.count > 2 ? fields[2] : "", server: fields.count > 3 ? fields[3] : "")
        }
    }

    /// Ends every client loop after the request it is making.
    func stopLoops() async {
        _ = FileManager.default.createFile(atPath: "\(directory)/stop", contents: nil)
        let processes = loops.withLockedValue { loops in defer { loops.removeAll() }; return loops }
        _ = try? await offloaded { for process in processes { _ = process.waitUntilExit(within: 5) } }
    }

    /// Kills everything in the lab's namespaces and deletes them.
    func down() async {
        let processes = loops.withLockedValue { loops in defer { loops.removeAll() }; return loops }
        for process in processes { process.signal(SIGKILL) }
        _ = try? await run(["down", name], limit: 30)
    }

    static var now: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

extension HALab {
    /// Runs `body` in a new lab with the proxies of both nodes and the servers started and n1 holding
    /// VIP 1 (and n2 VIP 2, active-active); takes the lab down afterwards, however `body` ends.
    static func with(mode: String, peers: Bool = false, _ body: (HALab) async throws -> Void) async throws {
        let lab = try await HALab(mode: mode, peers: peers)
        do {
            try await lab.start("srv")
            try await lab.start("n1")
            try await lab.start("n2")
            try await lab.waitMaster("n1", vip1)
            if mode == "active-active" { try await lab.waitMaster("n2", vip2) }
            try await body(lab)
        } catch {
            await lab.down()
            throw error
        }
        await lab.down()
    }

    /// Waits until the loop on `vip` got `count` answers from `node` sent after `time`; returns the first.
    @discardableResult
    func waitForAnswers(_ vip: String, from node: String, after time: Int64 = 0, count: Int = 1,
                        within seconds: Double = 15) async throws -> Answer {
        do {
            try await waitUntil("\(count) answer(s) from \(node) on \(vip)", within: seconds) {
                answers(vip).filter { $0.time > time && $0.node == node && !$0.failed }.count >= count
            }
        } catch {
            let seen = answers(vip).suffix(20).map(\.description).joined(separator: "\n")
            throw Failure(description: "\(error); the client's last answers:\n\(seen)")
        }
        return answers(vip).first { $0.time > time && $0.node == node && !$0.failed }!
    }
}
