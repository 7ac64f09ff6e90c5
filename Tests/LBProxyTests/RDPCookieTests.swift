import Foundation
import LBTestSupport
import Testing
@testable import LBProxy

/// `balance rdp-cookie` and `persist rdp-cookie` in TCP mode, with raw RDP connection requests over
/// loopback: the cookie in the first bytes, waited for under `tcp-request inspect-delay`, places the
/// connection.
@Suite(.serialized) struct RDPCookieTests {
    /// An RDP connection request (TPKT + X.224) carrying `Cookie: COOKIE\r\n`.
    static func connectionRequest(cookie: String) -> [UInt8] {
        let line = Array("Cookie: \(cookie)\r\n".utf8)
        let x224: [UInt8] = [UInt8(6 + line.count), 0xE0, 0, 0, 0, 0, 0] + line
        let length = 4 + x224.count
        return [3, 0, UInt8(length >> 8), UInt8(length & 0xFF)] + x224
    }

    /// The inspect delay is longer than a client waits for its greeting (5 s): a connection placed only
    /// once the delay ran out fails the test.
    static func config(port: Int, servers: [GreetingServer], lines: [String]) -> String {
        TestConfig.proxy(port: port, mode: "tcp", timeouts: .init(client: "60s"), frontend: [
            "tcp-request inspect-delay 30s",
            "tcp-request content accept if RDP_COOKIE",
        ], backend: lines + servers.map { "server \($0.name) 127.0.0.1:\($0.port)" })
    }

    /// The server that greeted a connection sending `bytes` (in two writes when `split`).
    static func serverName(port: Int, sending bytes: [UInt8], split: Bool = false) throws -> String? {
        let client = try RawClient(port: port)
        if split {
            try client.send(Array(bytes.prefix(6)))
            // A pause so that the first bytes arrive alone: lb must wait for the rest of the request.
            usleep(50_000)
            try client.send(Array(bytes.dropFirst(6)))
        } else {
            try client.send(bytes)
        }
        return client.readLine()
    }

    @Test func theSameUserComesBackToTheSameServer() async throws {
        var servers: [GreetingServer] = []
        for name in ["s1", "s2", "s3"] { servers.append(try await GreetingServer.start(name: name)) }
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, servers: servers, lines: ["balance rdp-cookie"]))
        var placed: [String: String] = [:]
        for user in ["alice", "bob", "carol", "dave", "erin", "frank"] {
            let request = Self.connectionRequest(cookie: "mstshash=\(user)")
            let first = try await offloaded { try Self.serverName(port: port, sending: request) }
            placed[user] = first
            for split in [false, true] {
                #expect(try await offloaded { try Self.serverName(port: port, sending: request, split: split) } == first, "\(user)")
            }
        }
        #expect(Set(placed.values).count > 1, "users are spread by their hash: \(placed)")
        // The server received the request untouched, cookie and all.
        #expect(servers.flatMap(\.received).contains(Self.connectionRequest(cookie: "mstshash=alice")))
        await lb.stop()
        for server in servers { await server.stop() }
    }

    @Test func aBrokerCookieNamesTheServer() async throws {
        var servers: [GreetingServer] = []
        for name in ["s1", "s2", "s3"] { servers.append(try await GreetingServer.start(name: name)) }
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, servers: servers, lines: ["balance roundrobin", "persist rdp-cookie"]))
        // msts=IP.PORT.0000, each the decimal of its network-order bytes read little-endian.
        let address = UInt32(0x7F00_0001).byteSwapped
        let port2 = UInt16(servers[1].port).byteSwapped
        let request = Self.connectionRequest(cookie: "msts=\(address).\(port2).0000")
        for _ in 0..<4 {
            #expect(try await offloaded { try Self.serverName(port: port, sending: request) } == "s2")
        }
        // Without the cookie, roundrobin.
        let plain = Self.connectionRequest(cookie: "mstshash=alice")
        var names: Set<String> = []
        for _ in 0..<3 { if let name = try await offloaded({ try Self.serverName(port: port, sending: plain) }) { names.insert(name) } }
        #expect(names == ["s1", "s2", "s3"])
        await lb.stop()
        for server in servers { await server.stop() }
    }
}
