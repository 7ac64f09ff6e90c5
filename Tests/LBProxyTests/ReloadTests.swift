import Foundation
import LBTestSupport
import Testing

/// Reloading lb while keep-alive clients send requests back to back: master-worker mode with SIGUSR2,
/// and a new process that takes over with `-sf`. No request may fail or get anything but a 2xx, and the
/// edited configuration must be the one in force afterwards.
@Suite(.serialized) struct ReloadTests {
    static let clients = 20

    /// A configuration answering every request itself with `body`.
    static func config(port: Int, body: String, global: [String] = [], extra: [String] = []) -> String {
        """
        global
            hard-stop-after 20s
        \(global.map { "    " + $0 }.joined(separator: "\n"))
        defaults
            mode http
            timeout connect 2s
            timeout client 10s
            timeout server 10s
            timeout http-keep-alive 10s
        frontend fe
            bind 127.0.0.1:\(port)
            http-request return status 200 content-type text/plain string \(body)
        \(extra.joined(separator: "\n"))
        """
    }

    static func configPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("lb-reload-\(name)-\(getpid()).cfg").path
    }

    /// One answer from lb on a new connection.
    static func body(port: Int) throws -> String {
        let client = try RawClient(port: port)
        try client.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        return try client.readResponse().bodyText
    }

    @Test func masterWorkerReloadsUnderLoadWithoutAFailedRequest() async throws {
        let port = freePort()
        let path = Self.configPath("master")
        try Self.config(port: port, body: "v0").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lb = try LBRun(["-W", "-f", path])
        defer { lb.stop() }
        try await lb.waitFor("Stop with")

        let load = KeepAliveLoad(port: port, clients: Self.clients)
        for version in 1...4 {
            // Each worker serves a share of the traffic before the next reload replaces it.
            let mark = load.progress.withLockedValue { $0 }
            try await waitUntil("traffic before reload \(version)") { load.progress.withLockedValue { $0 } > mark + 300 }
            try Self.config(port: port, body: "v\(version)").write(toFile: path, atomically: true, encoding: .utf8)
            kill(lb.pid, SIGUSR2)
            try await lb.waitFor("reloaded: worker", times: version)
        }
        // A configuration with an error changes nothing: the master says why, the last worker serves on.
        try (Self.config(port: port, body: "broken") + "\n    no-such-keyword here\n").write(toFile: path, atomically: true, encoding: .utf8)
        kill(lb.pid, SIGUSR2)
        try await lb.waitFor("reload failed")
        let before = load.progress.withLockedValue { $0 }
        try await waitUntil("traffic after the failed reload") { load.progress.withLockedValue { $0 } > before + 200 }
        load.finish()
        try await waitUntil("the clients to finish") { load.isFinished }

        let tally = load.total
        tally.expectEveryRequestAnswered()
        #expect(tally.sent > 1000)
        #expect(tally.bodies.isSuperset(of: ["v0", "v4"]), "\(tally.bodies)")
        #expect(!tally.bodies.contains("broken"))
        #expect(try Self.body(port: port) == "v4")
        #expect(lb.standardError.contains("no-such-keyword"), "the master names the error: \(lb.standardError)")

        // Every old worker has stopped; SIGTERM stops the master and its last worker.
        let workers = lb.bannerPIDs
        #expect(workers.count == 5, "\(lb.standardOutput)")
        try await waitUntil("the old workers to exit") { workers.dropLast().allSatisfy { kill($0, 0) != 0 } }
        kill(lb.pid, SIGTERM)
        #expect(lb.process.waitUntilExit(within: 15))
        #expect(lb.process.terminationStatus == 0)
        #expect(workers.allSatisfy { kill($0, 0) != 0 }, "a worker outlived its master")
    }

    /// Clients that open a connection per request keep connecting all through each hand-over: every
    /// attempt must be accepted by one worker or the other and answered.
    @Test func masterWorkerReloadsWithAConnectionPerRequest() async throws {
        let port = freePort()
        let path = Self.configPath("per-request")
        try Self.config(port: port, body: "v0").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lb = try LBRun(["-W", "-f", path])
        defer { lb.stop() }
        try await lb.waitFor("Stop with")

        let load = KeepAliveLoad(port: port, clients: Self.clients, connectionPerRequest: true)
        for version in 1...5 {
            let mark = load.progress.withLockedValue { $0 }
            try await waitUntil("traffic before reload \(version)") { load.progress.withLockedValue { $0 } > mark + 200 }
            try Self.config(port: port, body: "v\(version)").write(toFile: path, atomically: true, encoding: .utf8)
            kill(lb.pid, SIGUSR2)
            try await lb.waitFor("reloaded: worker", times: version)
        }
        let before = load.progress.withLockedValue { $0 }
        try await waitUntil("traffic after the last reload") { load.progress.withLockedValue { $0 } > before + 200 }
        load.finish()
        try await waitUntil("the clients to finish") { load.isFinished }

        let tally = load.total
        tally.expectEveryRequestAnswered()
        #expect(tally.bodies.isSuperset(of: ["v0", "v5"]), "\(tally.bodies)")
    }

    @Test func softStopHandsOverToANewProcess() async throws {
        let port = freePort()
        let oldPath = Self.configPath("sf-old")
        let newPath = Self.configPath("sf-new")
        try Self.config(port: port, body: "old").write(toFile: oldPath, atomically: true, encoding: .utf8)
        try Self.config(port: port, body: "new").write(toFile: newPath, atomically: true, encoding: .utf8)
        defer {
            try? FileManager.default.removeItem(atPath: oldPath)
            try? FileManager.default.removeItem(atPath: newPath)
        }
        let old = try LBRun(["-f", oldPath])
        defer { old.stop() }
        try await old.waitFor("Stop with")
        let load = KeepAliveLoad(port: port, clients: Self.clients)
        try await waitUntil("traffic to the old process") { load.progress.withLockedValue { $0 } > 500 }

        // A configuration with an error: the new process exits and the old one is left alone.
        let broken = Self.configPath("sf-broken")
        try (Self.config(port: port, body: "broken") + "\n    no-such-keyword here\n").write(toFile: broken, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: broken) }
        let failed = try LBRun(["-f", broken, "-sf", String(old.pid)])
        #expect(failed.process.waitUntilExit(within: 15))
        #expect(failed.process.terminationStatus == 1)
        #expect(old.process.isRunning)

        let new = try LBRun(["-f", newPath, "-sf", String(old.pid)])
        defer { new.stop() }
        try await new.waitFor("Stop with")
        #expect(old.process.waitUntilExit(within: 25), "the old process still runs after -sf")
        #expect(old.process.terminationStatus == 0)
        let after = load.progress.withLockedValue { $0 }
        try await waitUntil("traffic to the new process") { load.progress.withLockedValue { $0 } > after + 500 }
        load.finish()
        try await waitUntil("the clients to finish") { load.isFinished }

        let tally = load.total
        tally.expectEveryRequestAnswered()
        #expect(tally.bodies == ["old", "new"])
        #expect(try Self.body(port: port) == "new")
    }

    /// The runtime API answers on its socket path across reloads, from the newest worker: the path is
    /// replaced atomically, and the old worker's stop does not remove it.
    @Test func statsSocketFollowsTheNewWorker() async throws {
        let port = freePort()
        let path = Self.configPath("stats")
        let socket = FileManager.default.temporaryDirectory.appendingPathComponent("lb-reload-\(getpid()).sock").path
        let config = { (body: String) in Self.config(port: port, body: body, global: ["stats socket \(socket) level admin"]) }
        try config("v0").write(toFile: path, atomically: true, encoding: .utf8)
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: socket)
        }
        let lb = try LBRun(["-W", "-f", path])
        defer { lb.stop() }
        try await lb.waitFor("Stop with")
        #expect(try Self.runtimePid(socket) == lb.bannerPIDs.last)
        for version in 1...2 {
            try config("v\(version)").write(toFile: path, atomically: true, encoding: .utf8)
            kill(lb.pid, SIGUSR2)
            try await lb.waitFor("reloaded: worker", times: version)
            let workers = lb.bannerPIDs
            // The old worker has closed its socket once it has exited.
            try await waitUntil("the old worker to exit") { kill(workers[workers.count - 2], 0) != 0 }
            #expect(try Self.runtimePid(socket) == workers.last)
        }
    }

    /// `show info`'s Pid line, asked on the unix socket at `path`.
    static func runtimePid(_ path: String) throws -> Int32? {
        let descriptor = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw RawClient.Failure(description: "connect to \(path): errno \(errno)") }
        _ = "show info\n".withCString { write(descriptor, $0, strlen($0)) }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count <= 0 { break }
            answer += buffer[..<count]
        }
        let line = String(decoding: answer, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("Pid: ") }
        return line.flatMap { Int32($0.dropFirst(5)) }
    }

    /// Under a `Type=notify` unit the master says when it serves, when a reload begins and when it is
    /// over; its workers stay silent.
    @Test func masterNotifiesSystemd() async throws {
        let port = freePort()
        let path = Self.configPath("notify")
        try Self.config(port: port, body: "v0").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let notify = try NotifySocket()
        defer { notify.close() }
        let lb = try LBRun(["-W", "-f", path], environment: ["NOTIFY_SOCKET": notify.path])
        defer { lb.stop() }
        try await waitUntil("READY=1 from the master: \(notify.messages)") { notify.messages.contains { $0.hasPrefix("READY=1") } }
        #expect(notify.messages.first?.contains("MAINPID=\(lb.pid)") == true, "\(notify.messages)")
        kill(lb.pid, SIGUSR2)
        try await waitUntil("a second READY=1: \(notify.messages)") { notify.messages.filter { $0.hasPrefix("READY=1") }.count == 2 }
        let messages = notify.messages
        #expect(messages.count == 3, "\(messages)")
        #expect(messages.count > 1 && messages[1].hasPrefix("RELOADING=1\nMONOTONIC_USEC="), "\(messages)")
        kill(lb.pid, SIGTERM)
        try await waitUntil("STOPPING=1: \(notify.messages)") { notify.messages.last == "STOPPING=1" }
        #expect(notify.messages.allSatisfy { !$0.contains("MAINPID") || $0.contains("MAINPID=\(lb.pid)") })
    }

    /// `-x`: the new process takes the old one's listening sockets (both of its per-thread sockets)
    /// over the stats socket and serves them once the old process has closed its copies.
    @Test func transferHandsTheListeningSocketsOver() async throws {
        let port = freePort()
        let socket = FileManager.default.temporaryDirectory.appendingPathComponent("lb-x-\(getpid()).sock").path
        let global = ["nbthread 2", "stats socket \(socket) level admin expose-fd listeners"]
        let oldPath = Self.configPath("x-old")
        let newPath = Self.configPath("x-new")
        try Self.config(port: port, body: "old", global: global).write(toFile: oldPath, atomically: true, encoding: .utf8)
        try Self.config(port: port, body: "new", global: global).write(toFile: newPath, atomically: true, encoding: .utf8)
        defer {
            for path in [oldPath, newPath, socket] { try? FileManager.default.removeItem(atPath: path) }
        }
        let old = try LBRun(["-f", oldPath])
        defer { old.stop() }
        try await old.waitFor("Stop with")
        let load = KeepAliveLoad(port: port, clients: Self.clients)
        try await waitUntil("traffic to the old process") { load.progress.withLockedValue { $0 } > 300 }

        let new = try LBRun(["-V", "-f", newPath, "-x", socket, "-sf", String(old.pid)])
        defer { new.stop() }
        try await new.waitFor("Stop with")
        #expect(new.standardError.contains("received 2 listening sockets"), "\(new.standardError)")
        #expect(old.process.waitUntilExit(within: 25), "the old process still runs after -sf")
        let after = load.progress.withLockedValue { $0 }
        try await waitUntil("traffic to the new process") { load.progress.withLockedValue { $0 } > after + 300 }
        load.finish()
        try await waitUntil("the clients to finish") { load.isFinished }

        let tally = load.total
        tally.expectEveryRequestAnswered()
        #expect(tally.bodies == ["old", "new"])
        #expect(try Self.runtimePid(socket) == new.pid)
    }
}
