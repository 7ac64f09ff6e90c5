import Foundation
import LBTestSupport
import Testing
@testable import LBProxy

/// Stick tables shared over HAProxy's peers protocol, on loopback: two lb nodes, and lb with haproxy.
/// Each node is a process with its own local peer name (`-L`); entries are seen through each node's
/// runtime API (`show table`), as an operator would check a pair.
@Suite(.serialized)
struct PeersTests {
    /// A node of the pair: its name, its frontend port, its peers port, its runtime API socket.
    struct Node {
        let name: String
        let port: Int
        let peerPort: Int
        let socket: String

        func ask(_ command: String) throws -> String { try RuntimeAPITests.socat(socket, command + "\n") }
    }

    /// The same configuration for both nodes, as HAProxy users write it: persistence on a header in one
    /// table, request counters in another, both shared through the `peers` section.
    static func config(_ node: Node, _ nodes: [Node], s1: Int, s2: Int) -> String {
        """
        global
            stats socket \(node.socket) level admin
        defaults
            mode http
            timeout connect 2s
            timeout client 10s
            timeout server 10s
        peers pair
        \(nodes.map { "    peer \($0.name) 127.0.0.1:\($0.peerPort)" }.joined(separator: "\n"))
        frontend fe
            bind 127.0.0.1:\(node.port)
            http-request track-sc0 hdr(x-user) table counters
            default_backend be
        backend counters
            stick-table type string len 32 size 1k expire 10m store http_req_cnt,gpc0,http_req_rate(10s) peers pair
        backend be
            balance roundrobin
            stick-table type string len 32 size 1k expire 10m peers pair
            stick on hdr(x-user)
            server s1 127.0.0.1:\(s1)
            server s2 127.0.0.1:\(s2)

        """
    }

    static func nodes(_ names: [String], in directory: String) -> [Node] {
        names.map { Node(name: $0, port: freePort(), peerPort: freePort(), socket: "\(directory)/\($0).sock") }
    }

    static func temporaryDirectory(_ label: String) throws -> String {
        let directory = NSTemporaryDirectory() + "lb-peers-\(label)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    static func request(_ node: Node, user: String) throws -> String {
        try fetch(port: node.port, "GET / HTTP/1.1\r\nHost: x\r\nX-User: \(user)\r\nConnection: close\r\n\r\n").bodyText
    }

    /// The `show table` line of `key`, nil when the table lacks it.
    static func entry(_ node: Node, table: String, key: String) throws -> String? {
        try node.ask("show table \(table)").split(separator: "\n").first { $0.contains("key=\(key) ") }.map(String.init)
    }

    /// Whether `peer` acknowledged every change `node` made to `table`: in `node`'s `show peers` (lb and
    /// haproxy print the same layout), the table's `update` under `peer` (the last update id the peer
    /// acknowledged) equals its `localupdate`.
    static func acknowledged(_ node: Node, by peer: String, table: String) throws -> Bool {
        let text = try node.ask("show peers")
        guard let block = text.components(separatedBy: "id=\(peer)(").dropFirst().first else { return false }
        let lines = block.split(separator: "\n")
        guard let tableLine = lines.firstIndex(where: { $0.contains(" id=\(table) ") && $0.contains("localupdate=") }),
              tableLine > 0 else { return false }
        func value(_ name: String, in line: Substring) -> Int? {
            line.split(separator: " ").first { $0.hasPrefix(name + "=") }.flatMap { Int($0.dropFirst(name.count + 1)) }
        }
        guard let acked = value("update", in: lines[tableLine - 1]), let local = value("localupdate", in: lines[tableLine]) else {
            return false
        }
        return local > 0 && acked == local
    }

    /// Whether `node` is done learning the tables from its peers: the section's first `show peers` line
    /// carries haproxy's flags, where 0x2 says the resync from a remote peer is over.
    static func resyncFinished(_ node: Node) throws -> Bool {
        let text = try node.ask("show peers")
        guard let flags = text.split(separator: " ").first(where: { $0.hasPrefix("flags=0x") }),
              let value = Int(flags.dropFirst(8), radix: 16) else { return false }
        return value & 0x2 != 0
    }

    /// Waits until `node` stopped tracking `key` in the counters table (its request ended, which is a change
    /// too) and `peer` acknowledged every change: a peer's update replaces the entry, so a node that counts
    /// on top of another's count must have that count first.
    static func settle(_ node: Node, key: String, with peer: String) async throws {
        try await waitUntil("\(node.name) to release \(key)'s counters") {
            try entry(node, table: "counters", key: key)?.contains(" use=0 ") == true
        }
        try await waitUntil("\(peer) to acknowledge \(node.name)'s changes: \((try? node.ask("show peers")) ?? "")") {
            try acknowledged(node, by: peer, table: "counters")
        }
    }

    @Test func twoLBNodesShareEntriesAndARestartedNodeLearnsThem() async throws {
        let s1 = try await TestBackend(name: "s1"), s2 = try await TestBackend(name: "s2")
        let directory = try Self.temporaryDirectory("lb")
        let nodes = Self.nodes(["alpha", "beta"], in: directory)
        let (a, b) = (nodes[0], nodes[1])
        let processA = try LBProcess(config: Self.config(a, nodes, s1: s1.port, s2: s2.port), name: "peers-a", arguments: ["-L", a.name])
        defer { processA.stop() }
        var processB = try LBProcess(config: Self.config(b, nodes, s1: s1.port, s2: s2.port), name: "peers-b", arguments: ["-L", b.name])
        defer { processB.stop() }

        // alice lands on one server through A; B learns the entry and sends alice there too.
        let server = try Self.request(a, user: "alice")
        let serverID = server.hasPrefix("s1") ? 1 : 2
        try await waitUntil("B to learn alice's entry from A") {
            try Self.entry(b, table: "be", key: "alice")?.contains("server_id=\(serverID) server_key=s\(serverID)") == true
        }
        try await Self.settle(a, key: "alice", with: b.name)
        for _ in 0..<3 { #expect(try Self.request(b, user: "alice") == server, "B keeps alice on A's server") }
        // bob's entry, made on B, goes the other way; so do the request counters.
        _ = try Self.request(b, user: "bob")
        try await waitUntil("A to learn bob's entry from B") { try Self.entry(a, table: "be", key: "bob") != nil }
        try await waitUntil("A to count alice's requests made on B") {
            try Self.entry(a, table: "counters", key: "alice")?.contains("http_req_cnt=4") == true
        }

        // B restarts empty and asks A for everything.
        processB.stop()
        processB = try LBProcess(config: Self.config(b, nodes, s1: s1.port, s2: s2.port), name: "peers-b", arguments: ["-L", b.name])
        try await waitUntil("the restarted B to learn alice's and bob's entries from A") {
            (try? Self.entry(b, table: "be", key: "alice"))??.contains("server_key=s\(serverID)") == true
                && (try? Self.entry(b, table: "be", key: "bob")) ?? nil != nil
        }
        #expect(try Self.entry(b, table: "counters", key: "alice")?.contains("http_req_cnt=4") == true)
        #expect(try Self.request(b, user: "alice") == server, "after its restart B still sends alice to her server")
        let peers = try b.ask("show peers")
        #expect(peers.contains("id=pair "), "\(peers)")
        #expect(peers.contains("id=alpha(remote,active) addr=127.0.0.1:\(a.peerPort) last_status=ESTA"), "\(peers)")
        #expect(peers.contains("id=beta(local,inactive)"), "\(peers)")
        // The restarted B took alice's server name into the first slot of its receiving dictionary.
        let dictionaries = try b.ask("show peers dict pair")
        #expect(dictionaries.contains("RX dictionary cache:\n            0 -> s\(serverID)"), "\(dictionaries)")
        try? FileManager.default.removeItem(atPath: directory)
    }

    @Test(.enabled(if: RuntimeAPIInterop.haproxyPath != nil, "needs haproxy (Debian package haproxy)"))
    func lbAndHAProxyShareEntriesBothWays() async throws {
        let s1 = try await TestBackend(name: "s1"), s2 = try await TestBackend(name: "s2")
        let directory = try Self.temporaryDirectory("haproxy")
        let nodes = Self.nodes(["lbnode", "hanode"], in: directory)
        let (lb, ha) = (nodes[0], nodes[1])
        let haproxyConfig = directory + "/haproxy.cfg"
        try Self.config(ha, nodes, s1: s1.port, s2: s2.port).write(toFile: haproxyConfig, atomically: true, encoding: .utf8)
        let haproxy = ChildProcess()
        haproxy.executableURL = URL(fileURLWithPath: RuntimeAPIInterop.haproxyPath!)
        haproxy.arguments = ["-L", ha.name, "-db", "-f", haproxyConfig]
        haproxy.standardOutput = FileHandle.nullDevice
        haproxy.standardError = FileHandle.nullDevice
        try ProcessLaunch.run(haproxy)
        defer { haproxy.stop() }
        var lbProcess = try LBProcess(config: Self.config(lb, nodes, s1: s1.port, s2: s2.port), name: "peers-lb", arguments: ["-L", lb.name])
        defer { lbProcess.stop() }
        try await waitUntil("haproxy's stats socket") { (try? ha.ask("show info"))?.hasPrefix("Name: HAProxy") == true }
        // Both start empty and each asks the other for its tables; a lesson replaces what it teaches, so
        // counting starts once both are done learning, as an operator would wait after starting a pair.
        try await waitUntil("both nodes to finish their first resync", within: 60) {
            try Self.resyncFinished(lb) && Self.resyncFinished(ha)
        }

        // lb → haproxy: haproxy's own `show table` has what lb pushed, and haproxy persists on it.
        let server = try Self.request(lb, user: "alice")
        let serverID = server.hasPrefix("s1") ? 1 : 2
        try await waitUntil("haproxy to learn alice's entry from lb") {
            try Self.entry(ha, table: "be", key: "alice")?.contains("server_id=\(serverID) server_key=s\(serverID)") == true
        }
        try await Self.settle(lb, key: "alice", with: ha.name)
        for _ in 0..<3 { #expect(try Self.request(ha, user: "alice") == server, "haproxy keeps alice on lb's server") }

        // haproxy → lb: carol's entry and the counters haproxy keeps.
        let carolServer = try Self.request(ha, user: "carol")
        let carolID = carolServer.hasPrefix("s1") ? 1 : 2
        try await waitUntil("lb to learn carol's entry from haproxy") {
            try Self.entry(lb, table: "be", key: "carol")?.contains("server_id=\(carolID) server_key=s\(carolID)") == true
        }
        try await Self.settle(ha, key: "carol", with: lb.name)
        #expect(try Self.request(lb, user: "carol") == carolServer, "lb sends carol where haproxy did")
        var seen: String?
        try await waitUntil("lb to count alice's requests made on haproxy; lb has \(seen ?? "no entry")") {
            seen = try Self.entry(lb, table: "counters", key: "alice")
            return seen?.contains("http_req_cnt=4") == true
        }
        try await waitUntil("haproxy to count carol's request made on lb; haproxy has \(seen ?? "no entry")") {
            seen = try Self.entry(ha, table: "counters", key: "carol")
            return seen?.contains("http_req_cnt=2") == true
        }
        // Both sides dial at start and one session gives way to the other (coll=1), so the session may be
        // between two connections at any given instant: wait for it to be up.
        var haPeers = ""
        try await waitUntil("haproxy's session with lb to be established: \(haPeers)") {
            haPeers = try ha.ask("show peers")
            return haPeers.contains("id=lbnode(remote,active) addr=127.0.0.1:\(lb.peerPort) last_status=ESTA")
        }
        #expect(haPeers.contains("proto_err=0"), "\(haPeers)")

        // lb restarts empty and learns both tables from haproxy; then the other way round.
        lbProcess.stop()
        lbProcess = try LBProcess(config: Self.config(lb, nodes, s1: s1.port, s2: s2.port), name: "peers-lb", arguments: ["-L", lb.name])
        try await waitUntil("the restarted lb to learn the tables from haproxy") {
            (try? Self.entry(lb, table: "be", key: "alice"))??.contains("server_key=s\(serverID)") == true
                && (try? Self.entry(lb, table: "counters", key: "alice"))??.contains("http_req_cnt=4") == true
        }
        #expect(try Self.request(lb, user: "alice") == server, "alice's fifth request")

        // haproxy restarts empty and learns both tables from lb.
        haproxy.stop()
        let restarted = ChildProcess()
        restarted.executableURL = haproxy.executableURL
        restarted.arguments = haproxy.arguments
        restarted.standardOutput = FileHandle.nullDevice
        restarted.standardError = FileHandle.nullDevice
        try ProcessLaunch.run(restarted)
        defer { restarted.stop() }
        try await waitUntil("the restarted haproxy to learn the tables from lb") {
            (try? Self.entry(ha, table: "be", key: "carol"))??.contains("server_id=\(carolID) server_key=s\(carolID)") == true
                && (try? Self.entry(ha, table: "counters", key: "alice"))??.contains("http_req_cnt=5") == true
        }
        #expect(try Self.request(ha, user: "carol") == carolServer)
        try? FileManager.default.removeItem(atPath: directory)
    }
}
