import Foundation
import LBTestSupport
import NIOConcurrencyHelpers
import Testing
@testable import LBProxy

/// With several threads each event loop has its own listening socket on the address, and serves the
/// connections it accepts itself.
@Suite(.serialized) struct ListenerPerLoopTests {
    @Test func everyLoopAcceptsConnectionsOfItsOwn() async throws {
        let backend = try await TestBackend(name: "app")
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(
            port: port, timeouts: .init(connect: "2s", client: "10s", server: "10s"), global: ["nbthread 2"],
            backend: ["server s1 127.0.0.1:\(backend.port)"]))
        #expect(lb.sockets.count == 1)
        // Two listening sockets on the one address, one per loop.
        let listening = try listeningSockets(port: port)
        #expect(listening == 2, "listening sockets on port \(port): \(listening)")
        var clients: [RawClient] = []
        for _ in 0..<40 {
            let client = try RawClient(port: port)
            try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            clients.append(client)
        }
        // The kernel spreads connections over the two sockets by their addresses: both loops hold some
        // of the 40 open connections (all on one loop would happen once in 2^39 runs).
        var perLoop: [Int] = []
        for (loop, box) in lb.balancer.runtime.allLoopContexts {
            perLoop.append(try await loop.submit { box.value.sessions.count }.get())
        }
        #expect(perLoop.count == 2)
        #expect(perLoop.reduce(0, +) == 40)
        #expect(perLoop.allSatisfy { $0 > 0 }, "sessions per loop: \(perLoop)")
        await lb.stop()
        await backend.stop()
    }
}

/// Sockets in LISTEN state on 127.0.0.1:`port`, from the kernel's table.
private func listeningSockets(port: Int) throws -> Int {
    // Read to the end: the kernel writes the table as it is read, and it may be long on a busy host.
    guard let file = FileHandle(forReadingAtPath: "/proc/net/tcp") else { throw CocoaError(.fileReadNoSuchFile) }
    defer { try? file.close() }
    let table = String(decoding: try file.readToEnd() ?? Data(), as: UTF8.self)
    let local = "0100007F:" + String(format: "%04X", port)
    return table.split(separator: "\n").dropFirst().filter { line in
        let fields = line.split(separator: " ")
        return fields.count > 3 && fields[1] == local && fields[3] == "0A"
    }.count
}
