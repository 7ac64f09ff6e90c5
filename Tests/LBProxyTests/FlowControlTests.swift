import LBTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Weighted balancing through the proxy, and read-interest backpressure end to end.
@Suite(.serialized) struct FlowControlTests {
    @Test func weightsAreHonouredThroughTheProxy() async throws {
        let heavy = try await TestBackend(name: "heavy"), light = try await TestBackend(name: "light")
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, backend: [
            "balance roundrobin",
            "server heavy 127.0.0.1:\(heavy.port) weight 3",
            "server light 127.0.0.1:\(light.port) weight 1",
        ]))
        let client = try RawClient(port: port)
        var counts: [String: Int] = [:]
        for _ in 0..<40 {
            try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            counts[try client.readResponse().bodyText, default: 0] += 1
        }
        #expect(counts["heavy\n"] == 30)
        #expect(counts["light\n"] == 10)
        await lb.stop()
        await heavy.stop()
        await light.stop()
    }

    /// A client slower than the server: lb keeps stopping and resuming its reads of the server, and each
    /// body still arrives whole, in HTTP mode and in TCP mode.
    @Test(arguments: ["http", "tcp"])
    func largeBodiesArriveWholeWhenTheClientIsSlowerThanTheServer(mode: String) async throws {
        let size = 16 << 20
        let bulk = try await BulkServer(size: size)
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(
            port: port, mode: mode, timeouts: .init(client: "30s", server: "30s"), backend: ["server bulk 127.0.0.1:\(bulk.port)"]))
        for round in 0..<4 {
            let client = try RawClient(port: port, timeoutMilliseconds: 5000)
            // A small receive window: lb's writes keep filling the client's socket.
            var window: Int32 = 16384
            setsockopt(client.fd, SOL_SOCKET, SO_RCVBUF, &window, socklen_t(MemoryLayout<Int32>.size))
            try client.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
            var received = 0, headLength = 0
            while headLength == 0 || received - headLength < size {
                guard client.fill() else { break }
                received += client.pending.count
                if headLength == 0, let end = find([13, 10, 13, 10], in: client.pending) { headLength = received - client.pending.count + end + 4 }
                client.pending.removeAll(keepingCapacity: true)
            }
            #expect(headLength > 0 && received - headLength == size, "round \(round): \(received - headLength) of \(size) body bytes")
        }
        await lb.stop()
        await bulk.stop()
    }

    @Test func aClientThatDoesNotReadStallsTheServerInsteadOfFillingMemory() async throws {
        let size = 128 << 20
        let bulk = try await BulkServer(size: size)
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(
            port: port, timeouts: .init(client: "30s", server: "30s"), backend: ["server bulk 127.0.0.1:\(bulk.port)"]))
        let client = try RawClient(port: port, timeoutMilliseconds: 10000)
        try client.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
        // Not reading: kernel buffers hold a few MiB at most, so with backpressure the server cannot have
        // written 128 MiB; without it, lb would have swallowed the body within this time.
        try await Task.sleep(nanoseconds: 500_000_000)
        #expect(!bulk.bodyFullyWritten)
        var received = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while received < size + 30 {
            let count = chunk.withUnsafeMutableBytes { recv(client.fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += count
        }
        #expect(received > size)
        #expect(bulk.bodyFullyWritten)
        await lb.stop()
        await bulk.stop()
    }
}
