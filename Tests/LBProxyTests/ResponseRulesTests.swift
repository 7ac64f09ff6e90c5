@testable import LBProxy
import LBTestSupport
import Testing

/// `http-response` rules on real responses: the backend's run before the frontend's, conditions read the
/// response (`status`, `res.hdr`) and the request, and `deny` replaces the response with a 502 logged `PH`.
@Suite(.serialized) struct ResponseRulesTests {
    @Test func rulesRewriteAndDenyResponses() async throws {
        let app = try await TestBackend(name: "app") { request in
            switch request.path {
            case "/missing":
                .send(TestBackend.response(status: 404, reason: "Not Found", body: "no\n", headers: ["Server: app/1.0"]))
            case "/leak":
                .send(TestBackend.ok(body: "trace\n", headers: ["X-Debug: stack trace"]))
            default:
                .send(TestBackend.ok(body: "hello\n", headers: [
                    "Server: app/1.0", "X-Internal: secret", "Cache-Control: max-age=10", "Set-Cookie: a=1", "Set-Cookie: b=2",
                ]))
            }
        }
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, timeouts: .init(connect: "2s"), frontend: [
            #"http-response set-header Strict-Transport-Security "max-age=31536000""#,
            "http-response add-header X-Path %[path] if { status 200 }",
            "http-response set-header X-Backend-Said %[res.hdr(X-Backend)]",
        ], backend: [
            "http-response del-header Server",
            "http-response del-header X-Internal",
            #"http-response replace-header Cache-Control max-age=([0-9]+) private,max-age=\1"#,
            "http-response add-header X-Backend yes",
            "http-response deny if { res.hdr(X-Debug) -m found }",
            "server app 127.0.0.1:\(app.port)",
        ]), accessLog: log)

        let client = try RawClient(port: port)
        try client.send("GET /page?q=1 HTTP/1.1\r\nHost: h\r\n\r\n")
        let page = try client.readResponse()
        #expect(page.status == 200)
        #expect(page.bodyText == "hello\n")
        #expect(page.header("server") == nil)
        #expect(page.header("x-internal") == nil)
        #expect(page.header("cache-control") == "private,max-age=10")
        #expect(page.header("strict-transport-security") == "max-age=31536000")
        #expect(page.header("x-path") == "/page")
        #expect(page.header("x-backend-said") == "yes", "the frontend's rules see what the backend's rules added")
        #expect(page.head.components(separatedBy: "Set-Cookie:").count - 1 == 2, "repeated fields survive the rewrite")

        // Same connection: the rewritten response kept the framing, so keep-alive still works.
        try client.send("GET /missing HTTP/1.1\r\nHost: h\r\n\r\n")
        let missing = try client.readResponse()
        #expect(missing.status == 404)
        #expect(missing.bodyText == "no\n")
        #expect(missing.header("x-path") == nil, "the status condition does not match a 404")
        #expect(missing.header("server") == nil)

        let denied = try fetch(port: port, "GET /leak HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(denied.status == 502)
        #expect(!denied.bodyText.contains("trace"), "a denied response's body never reaches the client")

        let records = await log.waitFor(3)
        let deniedRecord = try #require(records.first { $0.status == 502 })
        #expect(deniedRecord.terminationState.hasPrefix("PH"))
        let csv = StatsPage.csv(lb.balancer.runtime.statsSnapshot())
        let header = csv.split(separator: "\n")[0].split(separator: ",", omittingEmptySubsequences: false)
        let dresp = try #require(header.firstIndex(of: "dresp"))
        let backendRow = try #require(csv.split(separator: "\n").first { $0.hasPrefix("be,BACKEND,") })
        #expect(backendRow.split(separator: ",", omittingEmptySubsequences: false)[dresp] == "1")
        await lb.stop()
        await app.stop()
    }
}
