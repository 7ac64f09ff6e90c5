import LBTestSupport
import NIOCore
import NIOPosix
import Testing
@testable import LBProxy

/// What an accepted client connection is set up with (set in the child initializer, not as the
/// bootstrap's child options): half-closure and the small first receive buffer, and TCP_NODELAY, which
/// on Linux it inherits from the listener.
struct AcceptedSocketOptionsTests {
    @Test func acceptedConnectionsKeepNoDelayHalfClosureAndTheSmallReceiveBuffer() async throws {
        let backend = try await TestBackend(name: "app")
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, backend: ["server s1 127.0.0.1:\(backend.port)"]))
        let client = try RawClient(port: port)
        try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        var seen: [[Int]] = []
        for (loop, box) in lb.balancer.runtime.allLoopContexts {
            let options = try await loop.submit { () -> [[Int]] in
                box.value.sessions.values.compactMap { $0 as? HTTPSession }.compactMap { session -> [Int]? in
                    guard let options = session.context?.channel.syncOptions,
                          let noDelay = try? options.getOption(.tcpOption(.tcp_nodelay)),
                          let halfClosure = try? options.getOption(.allowRemoteHalfClosure),
                          let receive = try? options.getOption(.recvAllocator) as? AdaptiveRecvByteBufferAllocator
                    else { return nil }
                    return [Int(noDelay), halfClosure ? 1 : 0, receive.nextBufferSize() ?? 0]
                }
            }.get()
            seen += options
        }
        // The one client: TCP_NODELAY on, half-closure allowed, and a receive buffer still at its first size.
        #expect(seen == [[1, 1, ReceiveBufferSizing.initialBytes]])
        await lb.stop()
        await backend.stop()
    }
}
