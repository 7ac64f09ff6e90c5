import Testing

/// http-request rules applied by the data plane: deny, return, header rewrites, use_backend.
@Suite(.serialized) struct RulesTests {
    @Test func rulesShapeTheRequest() async throws {
        let api = try await TestBackend(name: "api"), web = try await TestBackend(name: "web")
        let port = freePort()
        let lb = try await LBHarness.start("""
            defaults
                mode http
                timeout connect 2s
                timeout client 5s
                timeout server 5s
            frontend fe
                bind 127.0.0.1:\(port)
                acl is_api path_beg /api
                acl admin path_beg /admin
                acl from_local src 127.0.0.0/8
                http-request deny if admin
                http-request deny deny_status 429 if { path /busy }
                http-request return status 200 content-type text/plain string "pong" if { path /ping }
                http-request set-header X-Client %[src]
                http-request add-header X-Host-Seen %[req.hdr(host)]
                http-request del-header X-Secret
                use_backend api if is_api from_local
                default_backend web
            backend api
                server a 127.0.0.1:\(api.port)
            backend web
                server w 127.0.0.1:\(web.port)
            """)
        let client = try RawClient(port: port)
        try client.send("GET /ping HTTP/1.1\r\nHost: h\r\n\r\n")
        let pong = try client.readResponse()
        #expect(pong.status == 200)
        #expect(pong.bodyText == "pong")
        #expect(pong.header("content-type") == "text/plain")
        // `return` keeps the connection usable.
        try client.send("GET /api/v1 HTTP/1.1\r\nHost: h\r\nX-Secret: s\r\n\r\n")
        #expect(try client.readResponse().bodyText == "api\n")
        try client.send("GET /index HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(try client.readResponse().bodyText == "web\n")

        #expect(try fetch(port: port, "GET /admin/x HTTP/1.1\r\nHost: h\r\n\r\n").status == 403)
        #expect(try fetch(port: port, "GET /busy HTTP/1.1\r\nHost: h\r\n\r\n").status == 429)

        let seen = try #require(api.requests.first)
        #expect(seen.header("x-client") == "127.0.0.1")
        #expect(seen.header("x-host-seen") == "h")
        #expect(seen.header("x-secret") == nil)
        #expect(web.requests.count == 1)
        await lb.stop()
        await api.stop()
        await web.stop()
    }
}
