import Foundation
import LBTestSupport
import Testing
@testable import LBProxy

/// `bind fd@N` and `stats socket fd@N`: listening sockets lb inherits already bound, as systemd socket
/// activation and VTest hand them over.
@Suite(.serialized) struct InheritedSocketTests {
    private static func config(bind: String, backend: Int, threads: Int = 1, global: String = "") -> String {
        """
        global
            nbthread \(threads)
        \(global)
        defaults
            mode http
            timeout connect 2s
            timeout client 10s
            timeout server 10s
        frontend fe
            bind \(bind)
            default_backend be
        backend be
            server s1 127.0.0.1:\(backend)
        """
    }

    @Test func aRequestThroughAnInheritedSocketIsAnswered() async throws {
        let backend = try await TestBackend(name: "app")
        let listener = try InheritedListener.tcp()
        let lb = try await LBHarness.start(Self.config(bind: "fd@\(listener.descriptor)", backend: backend.port))
        // The banner names the socket by the address it was bound to by its creator.
        #expect(lb.sockets.map(\.address.port) == [listener.port])
        let response = try fetch(port: listener.port, "GET /x HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(response.status == 200)
        #expect(response.bodyText == "app\n")
        await lb.stop()
        await backend.stop()
    }

    @Test func oneInheritedSocketStillServesConnectionsOnEveryLoop() async throws {
        let backend = try await TestBackend(name: "app")
        let listener = try InheritedListener.tcp()
        let lb = try await LBHarness.start(Self.config(bind: "fd@\(listener.descriptor)", backend: backend.port, threads: 2))
        var clients: [RawClient] = []
        for _ in 0..<6 {
            let client = try RawClient(port: listener.port)
            try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            clients.append(client)
        }
        // One loop accepts and hands connections to the loops in turn: both hold some of the 6.
        var perLoop: [Int] = []
        for (loop, box) in lb.balancer.runtime.allLoopContexts {
            perLoop.append(try await loop.submit { box.value.sessions.count }.get())
        }
        #expect(perLoop.reduce(0, +) == 6)
        #expect(perLoop.count == 2 && perLoop.allSatisfy { $0 > 0 }, "sessions per loop: \(perLoop)")
        await lb.stop()
        await backend.stop()
    }

    @Test func theRuntimeAPIAnswersOnAnInheritedUnixSocket() async throws {
        let backend = try await TestBackend(name: "app")
        let path = NSTemporaryDirectory() + "lb-fd-api-\(getpid()).sock"
        defer { unlink(path) }
        let api = try InheritedListener.unix(path: path)
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(bind: "127.0.0.1:\(port)", backend: backend.port,
                                                       global: "    stats socket fd@\(api.descriptor) level admin"))
        let info = try await ExternalTool.run("socat", ["-t", "2", "stdio", "unix-connect:\(path)"], input: "show info\n").output
        #expect(info.contains("Name: lb\n"), "\(info)")
        await lb.stop()
        await backend.stop()
    }

    @Test func aDescriptorThatIsNotAListeningSocketIsRefusedWithItsLine() async throws {
        let null = open("/dev/null", O_RDONLY)
        defer { close(null) }
        for (descriptor, message) in [(null, "descriptor \(null) is not a socket"), (999_999, "descriptor 999999 is not open")] {
            do {
                let lb = try await LBHarness.start(Self.config(bind: "fd@\(descriptor)", backend: 9))
                await lb.stop()
                Issue.record("fd@\(descriptor) was accepted")
            } catch {
                #expect("\(error)".contains("test.cfg:10:5: frontend 'fe': cannot listen on fd@\(descriptor): \(message)"), "\(error)")
            }
        }
        // Still open: lb left a descriptor it refused alone.
        #expect(fcntl(null, F_GETFD) >= 0)
    }
}
