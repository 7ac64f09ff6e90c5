import Foundation
import LBStats
import LBTestSupport
import Testing
@testable import LBProxy

/// A frontend's own stick table (it tracks counters, persists nothing) seen and changed through the
/// runtime API: `show table`, `set table ... data.X V`, `clear table ... data.X OP V`; and its size and
/// use in the Prometheus exporter's names.
@Suite(.serialized) struct StickTableAPITests {
    @Test func aFrontendTableIsShownSetAndCleared() async throws {
        let server = try await TestBackend(name: "s1")
        let socket = NSTemporaryDirectory() + "lb-api-\(getpid())-tables.sock"
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, global: ["stats socket \(socket) mode 600 level admin"], frontend: [
            "stick-table type ip size 1k expire 30s store gpc0,http_req_rate(10s)",
            "http-request track-sc0 src",
        ], backend: ["server s1 127.0.0.1:\(server.port)"]))
        func ask(_ command: String) throws -> String { try RuntimeAPITests.socat(socket, command + "\n") }
        #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: h\r\n\r\n").status == 200)
        #expect(try ask("show table") == "# table: fe, type: ip, size:1024, used:1\n\n")

        #expect(try ask("set table fe key 192.0.2.7 data.gpc0 5 data.http_req_rate 7") == "\n")
        let entry = try ask("show table fe key 192.0.2.7")
        #expect(entry.contains(": key=192.0.2.7 use=0 exp="), "\(entry)")
        #expect(entry.contains(" gpc0=5 http_req_rate(10000)=7\n"), "\(entry)")
        #expect(!entry.contains("server_id"), "a frontend's table names no server")
        #expect(try ask("set table fe key 192.0.2.7 data.gpc1 1") == "Data type not stored in this table\n\n")
        #expect(try ask("set table fe key 192.0.2.7 data.nope 1") == "Unknown data type\n\n")
        #expect(try ask("set table fe key 192.0.2.7 data.gpc0 x") == "Require a valid integer value to store\n\n")
        #expect(try ask("set table fe key") == "Key value expected\n\n")
        #expect(try ask("set table nope key 192.0.2.7") == "No such table\n\n")

        let snapshot = lb.balancer.runtime.statsSnapshot()
        let metrics = String(decoding: PrometheusRenderer.render(snapshot), as: UTF8.self)
        #expect(metrics.contains("haproxy_sticktable_size{name=\"fe\",type=\"ip\"} 1024\n"))
        #expect(metrics.contains("haproxy_sticktable_used{name=\"fe\",type=\"ip\"} 2\n"))
        #expect(metrics.contains("haproxy_frontend_denied_connections_total{proxy=\"fe\"} 0\n"))
        #expect(metrics.contains("haproxy_frontend_denied_sessions_total{proxy=\"fe\"} 0\n"))
        #expect(metrics.contains("haproxy_frontend_intercepted_requests_total{proxy=\"fe\"} 0\n"))

        // Only the entry with gpc0 above 3 goes.
        #expect(try ask("clear table fe data.gpc0 gt 3") == "\n")
        let table = try ask("show table fe")
        #expect(table.hasPrefix("# table: fe, type: ip, size:1024, used:1\n"), "\(table)")
        #expect(table.contains("key=127.0.0.1 "))
        #expect(try ask("clear table fe data.gpc1 gt 3") == "Filter entry #1: Data type not stored in this table\n\n")
        await lb.stop()
        await server.stop()
    }
}
