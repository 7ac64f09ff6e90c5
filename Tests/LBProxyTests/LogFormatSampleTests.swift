import LBConfig
import LBCore
import LBLog
import LBTestSupport
@testable import LBProxy
import Testing

/// `%[sample]` items in a frontend's `log-format`, over loopback: each record carries the values the
/// request (or, for a TCP session, the connection) gives the expressions, converters included, and `-`
/// where an expression has no value.
@Suite(.serialized) struct LogFormatSampleTests {
    static func message(_ datagram: String) -> Substring {
        guard let range = datagram.range(of: "]: ") else { return datagram[...] }
        return datagram[range.upperBound...].prefix { $0 != "\n" }
    }

    @Test func recordsCarryTheRequestsSampleValues() async throws {
        let backend = try await TestBackend(name: "s1")
        let httpPort = freePort(), tcpPort = freePort()
        let httpLog = UDPReceiver(), tcpLog = UDPReceiver()
        let lb = try await LBHarness.start("""
            defaults
                timeout connect 1s
                timeout client 5s
                timeout server 5s
            frontend fe_http
                mode http
                bind 127.0.0.1:\(httpPort)
                log 127.0.0.1:\(httpLog.port) local0
                log-format "%ST %[req.hdr(host),lower] %[url_param(id)] %[path] %[req.hdr(x-absent)] %{+Q}[method]"
                default_backend be
            frontend fe_tcp
                mode tcp
                bind 127.0.0.1:\(tcpPort)
                log 127.0.0.1:\(tcpLog.port) local0
                log-format "%[src] %[dst_port] %[path]"
                default_backend be_tcp
            backend be
                mode http
                server s1 127.0.0.1:\(backend.port)
            backend be_tcp
                mode tcp
                server s1 127.0.0.1:\(backend.port)
            """, configuredLogging: true)

        let client = try RawClient(port: httpPort)
        try client.send("GET /shop/item?id=42&x=1 HTTP/1.1\r\nHost: WWW.Example.COM\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        try client.send("POST /api HTTP/1.1\r\nHost: api.example.com\r\nContent-Length: 0\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        // Sorted: UDP datagrams of one writer batch leave grouped by length (segmentation offload).
        let lines = try await offloaded { httpLog.receive(count: 2) }.map(Self.message).sorted()
        #expect(lines == [
            #"200 api.example.com - /api - "POST""#,
            #"200 www.example.com 42 /shop/item - "GET""#,
        ])

        #expect(try fetch(port: tcpPort, "GET /through-tcp HTTP/1.1\r\nHost: h\r\n\r\n").status == 200)
        let tcpLines = try await offloaded { tcpLog.receive(count: 1) }.map(Self.message)
        #expect(tcpLines == ["127.0.0.1 \(tcpPort) -"])
        await lb.stop()
        await backend.stop()
    }
}
