import Foundation
import LBTestSupport
import Testing
@testable import LBProxy

/// `disable frontend` and `enable frontend` on the runtime API, as haproxy 2.6 does them: new connections
/// are refused while the ones already open go on; lb's monitor URI also fails on those.
@Suite(.serialized) struct FrontendSwitchTests {
    @Test func aDisabledFrontendRefusesNewConnectionsAndServesTheOpenOnes() async throws {
        let backend = try await TestBackend(name: "s1")
        let socket = NSTemporaryDirectory() + "lb-frontend-switch-\(getpid()).sock"
        let port = freePort()
        // The kept connection idles between commands; on a busy machine that can take a while.
        let lb = try await LBHarness.start(TestConfig.proxy(
            port: port, timeouts: TestConfig.Timeouts(client: "60s"),
            global: ["stats socket \(socket) mode 600 level admin"], frontend: ["monitor-uri /health"],
            backend: ["server s1 127.0.0.1:\(backend.port)"]))
        let kept = try RawClient(port: port)
        try kept.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await offloaded { try kept.readResponse() }.status == 200)

        #expect(try RuntimeAPITests.socat(socket, "disable frontend fe\n") == "\n")
        #expect(throws: (any Error).self) { _ = try RawClient(port: port) }
        #expect(lb.balancer.runtime.statsSnapshot().frontends.first?.status == "PAUSED")
        #expect(try RuntimeAPITests.socat(socket, "show stat\n").split(separator: "\n")
            .first { $0.hasPrefix("fe,FRONTEND,") }?.split(separator: ",", omittingEmptySubsequences: false)[17] == "PAUSED")
        // The open connection is served; what keeps asking on it learns the node is going.
        try kept.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await offloaded { try kept.readResponse() }.status == 503)
        try kept.send("GET /app HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await offloaded { try kept.readResponse() }.status == 200)
        #expect(backend.requests.map(\.path) == ["/app"])
        #expect(try RuntimeAPITests.socat(socket, "disable frontend fe\n") == "All sockets are already disabled.\n\n")

        #expect(try RuntimeAPITests.socat(socket, "enable frontend fe\n") == "\n")
        let fresh = try RawClient(port: port)
        try fresh.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await offloaded { try fresh.readResponse() }.status == 200)
        try kept.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await offloaded { try kept.readResponse() }.status == 200)
        #expect(lb.balancer.runtime.statsSnapshot().frontends.first?.status == "OPEN")
        #expect(try RuntimeAPITests.socat(socket, "enable frontend fe\n") == "All sockets are already enabled.\n\n")
        #expect(try RuntimeAPITests.socat(socket, "disable frontend nosuch\n") == "No such frontend.\n\n")
        #expect(try RuntimeAPITests.socat(socket, "enable frontend\n") == "A frontend name is expected.\n\n")
        await lb.stop()
        await backend.stop()
    }
}
