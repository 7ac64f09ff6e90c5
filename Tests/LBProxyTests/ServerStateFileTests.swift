import Foundation
import LBTestSupport
import Testing
import LBCore
@testable import LBProxy

/// `load-server-state-from-file`: a state saved with `show servers state` survives a restart, whether lb
/// or haproxy wrote it.
@Suite(.serialized) struct ServerStateFileTests {
    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "lb-state-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func config(port: Int, a: Int, b: Int, socket: String, stateFile: String) -> String {
        TestConfig.proxy(port: port, global: ["stats socket \(socket) mode 600 level admin", "server-state-file \(stateFile)"],
                         defaults: ["load-server-state-from-file global"], backend: [
                             "server a 127.0.0.1:\(a) weight 10",
                             "server b 127.0.0.1:\(b) weight 10",
                         ])
    }

    static func answers(_ port: Int, _ count: Int) throws -> [String] {
        try (0..<count).map { _ in try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").bodyText }
    }

    @Test func maintenanceAndWeightSurviveARestart() async throws {
        let a = try await TestBackend(name: "a"), b = try await TestBackend(name: "b")
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socket = directory + "/api.sock", stateFile = directory + "/servers.state"
        let port = freePort()
        let config = Self.config(port: port, a: a.port, b: b.port, socket: socket, stateFile: stateFile)

        // No state file yet: lb warns and starts with the configured states.
        var lb = try await LBHarness.start(config)
        #expect(try Self.answers(port, 2).sorted() == ["a\n", "b\n"])
        #expect(try RuntimeAPITests.socat(socket, "set server be/a state maint\n") == "\n")
        #expect(try RuntimeAPITests.socat(socket, "set weight be/b 4\n") == "\n")
        let saved = try RuntimeAPITests.socat(socket, "show servers state\n")
        try saved.write(toFile: stateFile, atomically: true, encoding: .utf8)
        await lb.stop()

        lb = try await LBHarness.start(config)
        #expect(try Self.answers(port, 4) == ["b\n", "b\n", "b\n", "b\n"])
        let state = try RuntimeAPITests.socat(socket, "show servers state be\n")
        let rows = state.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ") }
        let rowA = try #require(rows.first { $0.count > 8 && $0[3] == "a" }), rowB = try #require(rows.first { $0.count > 8 && $0[3] == "b" })
        #expect(rowA[6] == "1")  // forced maintenance
        #expect(rowB[6] == "0" && rowB[7] == "4" && rowB[8] == "10")  // ready, runtime weight 4 of 10
        #expect(try RuntimeAPITests.socat(socket, "get weight be/b\n") == "4 (initial 10)\n\n")

        // Out of maintenance, the server takes traffic again.
        #expect(try RuntimeAPITests.socat(socket, "set server be/a state ready\n") == "\n")
        #expect(Set(try Self.answers(port, 4)) == ["a\n", "b\n"])
        await lb.stop()
        await a.stop()
        await b.stop()
    }

    @Test func configurationChangesWinOverTheFile() async throws {
        let a = try await TestBackend(name: "a"), b = try await TestBackend(name: "b")
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socket = directory + "/api.sock", stateFile = directory + "/servers.state"
        let port = freePort()
        // Saved while a was in maintenance and b weighed 4 (of 10).
        let saved = ServerStateFile.header
            + "2 be 1 a 127.0.0.1 0 1 10 10 5 1 0 0 0 0 0 0 - \(a.port) - 0 0 - - 0\n"
            + "2 be 2 b 127.0.0.1 2 0 4 10 5 1 0 0 0 0 0 0 - \(b.port) - 0 0 - - 0\n"
        try saved.write(toFile: stateFile, atomically: true, encoding: .utf8)
        // The new configuration weighs b 20: its runtime weight from the file no longer applies.
        let config = Self.config(port: port, a: a.port, b: b.port, socket: socket, stateFile: stateFile)
            .replacingOccurrences(of: "\(b.port) weight 10", with: "\(b.port) weight 20")
        let lb = try await LBHarness.start(config)
        #expect(try RuntimeAPITests.socat(socket, "get weight be/b\n") == "20 (initial 20)\n\n")
        #expect(try Self.answers(port, 3) == ["b\n", "b\n", "b\n"])
        await lb.stop()
        await a.stop()
        await b.stop()
    }

    /// haproxy 2.6 runs the same backend; its servers are put in maintenance, drain and a runtime weight
    /// over its socket, and the state it writes is loaded by lb, which then shows the same states.
    @Test(.enabled(if: RuntimeAPIInterop.haproxyPath != nil, "needs haproxy (Debian package haproxy)"))
    func loadsAStateWrittenByHAProxy() async throws {
        let a = try await TestBackend(name: "a"), b = try await TestBackend(name: "b"), c = try await TestBackend(name: "c")
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let stateFile = directory + "/servers.state"
        func config(_ name: String, port: Int) -> String {
            TestConfig.proxy(port: port, global: ["stats socket \(directory)/\(name).sock mode 600 level admin", "server-state-file \(stateFile)"],
                             defaults: ["load-server-state-from-file global"], backend: [
                                 "server a 127.0.0.1:\(a.port)",
                                 "server b 127.0.0.1:\(b.port) weight 7",
                                 "server c 127.0.0.1:\(c.port)",
                             ])
        }
        let haproxyPort = freePort(), lbPort = freePort()
        let configPath = directory + "/haproxy.cfg"
        try (config("haproxy", port: haproxyPort) + "\n").write(toFile: configPath, atomically: true, encoding: .utf8)
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: RuntimeAPIInterop.haproxyPath!)
        process.arguments = ["-db", "-f", configPath]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try ProcessLaunch.run(process)
        defer { process.stop() }
        let haproxySocket = directory + "/haproxy.sock"
        try await RuntimeAPIInterop.waitFor("haproxy's stats socket") {
            (try? RuntimeAPITests.socat(haproxySocket, "show info\n"))?.hasPrefix("Name: HAProxy") == true
        }
        _ = try RuntimeAPITests.socat(haproxySocket, "set server be/a state maint; set server be/b state drain; set weight be/b 3\n")
        let written = try RuntimeAPITests.socat(haproxySocket, "show servers state\n")
        try written.write(toFile: stateFile, atomically: true, encoding: .utf8)
        process.stop()

        let lb = try await LBHarness.start(config("lb", port: lbPort))
        // a in maintenance and b draining: only c takes balanced traffic.
        #expect(try Self.answers(lbPort, 3) == ["c\n", "c\n", "c\n"])
        let shown = try RuntimeAPITests.socat(directory + "/lb.sock", "show servers state\n")
        // Per server: name, operational state, admin state, runtime and configured weights, as haproxy wrote them.
        func columns(_ text: String) -> [[Substring]] {
            text.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains(" ") }.map { row in
                let fields = row.split(separator: " ")
                return [3, 5, 6, 7, 8].map { fields[$0] }
            }
        }
        #expect(columns(shown) == columns(written))
        #expect(columns(written).map { $0.map(String.init) } == [["a", "0", "1", "1", "1"], ["b", "2", "8", "3", "7"], ["c", "2", "0", "1", "1"]])
        await lb.stop()
        await a.stop()
        await b.stop()
        await c.stop()
    }
}
