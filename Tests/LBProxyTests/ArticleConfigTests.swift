import Foundation
import Testing

/// The configuration from the article this project started from, with its servers on loopback.
@Suite(.serialized) struct ArticleConfigTests {
    /// Reads the fixture and moves its listeners and servers to the ports of this test run.
    static func loopbackConfig(frontendPort: Int, statsPort: Int, web: [Int], lamp: Int) throws -> String {
        var text = try Fixtures.text("configs/article-loopback.cfg")
        text = text.replacingOccurrences(of: "bind *:80", with: "bind 127.0.0.1:\(frontendPort)")
        text = text.replacingOccurrences(of: "bind 0.0.0.0:8090", with: "bind 127.0.0.1:\(statsPort)")
        for (index, port) in web.enumerated() {
            text = text.replacingOccurrences(of: "127.0.0.1:908\(index + 1)", with: "127.0.0.1:\(port)")
        }
        return text.replacingOccurrences(of: "127.0.0.1:9084", with: "127.0.0.1:\(lamp)")
    }

    @Test func phpGoesToLampAndTheRestRoundRobinsOverWebservers() async throws {
        let web1 = try await TestBackend(name: "web1"), web2 = try await TestBackend(name: "web2"), web3 = try await TestBackend(name: "web3")
        let lamp = try await TestBackend(name: "lamp")
        let frontendPort = freePort()
        let lb = try await LBHarness.start(try Self.loopbackConfig(
            frontendPort: frontendPort, statsPort: freePort(), web: [web1.port, web2.port, web3.port], lamp: lamp.port))

        var seen: [String] = []
        for index in 0..<9 {
            let response = try fetch(port: frontendPort, "GET /page\(index).html HTTP/1.1\r\nHost: example\r\n\r\n")
            #expect(response.status == 200)
            // httpclose on the frontend: lb announces the close.
            #expect(response.header("connection") == "close")
            seen.append(response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        // Equal weights (2/2/2): a strict rotation, each server three times.
        #expect(Set(seen[0..<3]) == ["web1", "web2", "web3"])
        #expect(seen[3..<6].elementsEqual(seen[0..<3]))
        #expect(seen[6..<9].elementsEqual(seen[0..<3]))

        for path in ["/index.php", "/app/run.PHP", "/x.php?y=1"] {
            let response = try fetch(port: frontendPort, "GET \(path) HTTP/1.1\r\nHost: example\r\n\r\n")
            #expect(response.bodyText == "lamp\n", "\(path)")
        }
        #expect(lamp.requests.count == 3)
        // set-header X-Forwarded-Port %[dst_port]; no X-Forwarded-Proto without TLS.
        let request = try #require(lamp.requests.first)
        #expect(request.header("x-forwarded-port") == String(frontendPort))
        #expect(request.header("x-forwarded-proto") == nil)
        // The frontend's own `option forwardfor` has no except, but lamp inherits `except 127.0.0.0/8`
        // from defaults, and either side's except suppresses the header (as in HAProxy).
        #expect(request.header("x-forwarded-for") == nil)
        #expect(request.header("connection") == "close")

        await lb.stop()
        for backend in [web1, web2, web3, lamp] { await backend.stop() }
    }

    @Test func statsPageNeedsTheConfiguredCredentials() async throws {
        let web = try await TestBackend(name: "web")
        let statsPort = freePort()
        let lb = try await LBHarness.start(try Self.loopbackConfig(
            frontendPort: freePort(), statsPort: statsPort, web: [web.port, web.port, web.port], lamp: web.port))
        let denied = try fetch(port: statsPort, "GET /allen HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(denied.status == 401)
        #expect(denied.header("www-authenticate") == "Basic realm=\"Haproxy allen\"")
        let wrong = try fetch(port: statsPort, "GET /allen HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YWRtaW46d3Jvbmc=\r\n\r\n")
        #expect(wrong.status == 401)
        let page = try fetch(port: statsPort, "GET /allen HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YWRtaW46YWRtaW4=\r\n\r\n")
        #expect(page.status == 200)
        #expect(page.header("refresh") == "3")
        for name in ["allen", "webservers", "lamp", "web1", "web2", "web3"] {
            #expect(page.bodyText.contains(name), "\(name) on the stats page")
        }
        await lb.stop()
        await web.stop()
    }
}
