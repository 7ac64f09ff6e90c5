import LBTestSupport
import Testing

/// Cookie persistence through the proxy: insert, indirect, rewrite, redispatch of a cookie for a down
/// server, and the termination-state cookie characters in the record.
@Suite(.serialized) struct CookieTests {
    static func config(port: Int, a: Int, b: Int, cookie: String, extra: String = "") -> String {
        TestConfig.proxy(port: port, timeouts: .init(connect: "300ms"), backend: [
            "balance roundrobin",
            cookie,
            extra,
            "server a 127.0.0.1:\(a) cookie ca",
            "server b 127.0.0.1:\(b) cookie cb",
        ])
    }

    @Test func insertedCookieKeepsTheClientOnItsServer() async throws {
        let a = try await TestBackend(name: "a"), b = try await TestBackend(name: "b")
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, a: a.port, b: b.port, cookie: "cookie SRV insert indirect nocache httponly"), accessLog: log)
        let first = try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let server = first.bodyText
        let value = server == "a\n" ? "ca" : "cb"
        #expect(first.header("set-cookie") == "SRV=\(value); path=/; HttpOnly")
        #expect(first.header("cache-control") == "private")
        // Round-robin would alternate; the cookie pins every later request to the same server.
        for _ in 0..<4 {
            let again = try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\nCookie: SRV=\(value); other=1\r\n\r\n")
            #expect(again.bodyText == server)
            #expect(again.header("set-cookie") == nil)  // indirect: a valid cookie is not sent again
        }
        // indirect: the server never sees lb's cookie, only the client's others.
        let seen = (server == "a\n" ? a : b).requests.last
        #expect(seen?.header("cookie") == "other=1")
        // A cookie naming no server: treated as absent and replaced.
        let bogus = try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\nCookie: SRV=nope\r\n\r\n")
        #expect(bogus.header("set-cookie") != nil)
        let records = await log.waitFor(6)
        #expect(records.first?.terminationState == "--NI")
        #expect(records[1].terminationState == "--VN")
        #expect(records[5].terminationState == "--II")
        await lb.stop()
        await a.stop()
        await b.stop()
    }

    @Test func cookieForADownServerIsRedispatched() async throws {
        let b = try await TestBackend(name: "b")
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, a: freePort(), b: b.port, cookie: "cookie SRV insert",
                                                       extra: "option redispatch\n    retries 1"), accessLog: log)
        let response = try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\nCookie: SRV=ca\r\n\r\n")
        #expect(response.status == 200)
        #expect(response.bodyText == "b\n")
        #expect(response.header("set-cookie") == "SRV=cb; path=/")
        let record = try #require(await log.waitFor(1).first)
        #expect(record.redispatched)
        #expect(record.terminationState.hasSuffix("I"))
        await lb.stop()
        await b.stop()
    }

    @Test func rewriteReplacesTheServersOwnCookie() async throws {
        let a = try await TestBackend(name: "a") { _ in .send(TestBackend.ok(body: "a\n", headers: ["Set-Cookie: SRV=session42; Path=/app"])) }
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, a: a.port, b: a.port, cookie: "cookie SRV rewrite"))
        let response = try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let cookie = try #require(response.header("set-cookie"))
        #expect(cookie == "SRV=ca; Path=/app" || cookie == "SRV=cb; Path=/app")
        await lb.stop()
        await a.stop()
    }
}
