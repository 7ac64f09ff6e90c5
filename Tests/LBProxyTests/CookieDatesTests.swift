import Foundation
import LBCore
import LBTestSupport
import Testing

/// `cookie SRV insert maxidle 1h maxlife 2h` over loopback: inserted cookies carry their dates, stale
/// cookies are ignored and replaced (E, O), valid ones are refreshed (U); and the same cookies mean
/// the same to haproxy and to lb, in both directions.
@Suite(.serialized) struct CookieDatesTests {
    static let cookieLine = "cookie SRV insert maxidle 1h maxlife 2h"

    static var now: Int { Int(Date().timeIntervalSince1970) }

    /// The value of `SRV` in a `Set-Cookie` field, split into the server's value and its dates.
    static func dated(_ setCookie: String?) -> (server: String, last: Int, first: Int)? {
        guard let setCookie, setCookie.hasPrefix("SRV="), setCookie.hasSuffix("; path=/") else { return nil }
        let parts = setCookie.dropFirst(4).dropLast(8).split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 3, let last = CookieDate.decode(parts[1]), let first = CookieDate.decode(parts[2]) else { return nil }
        return (String(parts[0]), last, first)
    }

    static func request(_ port: Int, cookie: String?) throws -> RawClient.Response {
        try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\(cookie.map { "Cookie: SRV=\($0)\r\n" } ?? "")\r\n")
    }

    @Test func datesAreInsertedCheckedAndRefreshed() async throws {
        let a = try await TestBackend(name: "a"), b = try await TestBackend(name: "b")
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(CookieTests.config(port: port, a: a.port, b: b.port, cookie: Self.cookieLine), accessLog: log)

        // A first visit gets both dates, now (in 4-second units, rounded up).
        let before = Self.now
        let first = try Self.request(port, cookie: nil)
        let issued = try #require(Self.dated(first.header("set-cookie")), "\(first.head)")
        #expect(issued.last == issued.first)
        #expect(issued.last >= before && issued.last <= Self.now + 4)
        let server = issued.server == "ca" ? "a\n" : "b\n"
        #expect(first.bodyText == server)

        // Sent back, it keeps the client on its server; a refresh, if due, keeps the first date.
        let again = try Self.request(port, cookie: "\(issued.server)|\(CookieDate.encode(seconds: issued.last))|\(CookieDate.encode(seconds: issued.first))")
        #expect(again.bodyText == server)
        if let refreshed = again.header("set-cookie") {
            #expect(Self.dated(refreshed)?.first == issued.first, "\(refreshed)")
        }

        // A cookie without dates is accepted and gets them; stale ones are ignored and replaced.
        let undated = try Self.request(port, cookie: "ca")
        #expect(undated.bodyText == "a\n")
        #expect(Self.dated(undated.header("set-cookie"))?.server == "ca")
        let idle = try Self.request(port, cookie: "cb|\(CookieDate.encode(seconds: Self.now - 4000))|\(CookieDate.encode(seconds: Self.now - 4000))")
        let replaced = try #require(Self.dated(idle.header("set-cookie")))
        #expect(replaced.first >= Self.now - 8, "a stale cookie's first date is not carried over")
        let old = try Self.request(port, cookie: "cb|\(CookieDate.encode(seconds: Self.now))|\(CookieDate.encode(seconds: Self.now - 10_000))")
        #expect(Self.dated(old.header("set-cookie")) != nil)

        // Cookie characters of each record; the second request's refresh depends on the 4-second tick.
        let records = await log.waitFor(5)
        let flags: [String] = records.map { String($0.terminationState.suffix(2)) }
        #expect(flags.count == 5)
        if flags.count == 5 {
            #expect(flags[0] == "NI")
            #expect(flags[1] == (again.header("set-cookie") == nil ? "VN" : "VU"))
            #expect(Array(flags[2...]) == ["VU", "EI", "OI"])
        }
        await lb.stop()
        await a.stop()
        await b.stop()
    }

    /// haproxy's cookies steer lb and lb's steer haproxy: each reads the other's dates, and both judge
    /// the same stale cookies the same way (the 3rd termination-state character of each one's log).
    @Test(.enabled(if: RuntimeAPIInterop.haproxyPath != nil, "needs haproxy (Debian package haproxy)"))
    func haproxyAndLBUnderstandEachOthersCookies() async throws {
        let a = try await TestBackend(name: "a"), b = try await TestBackend(name: "b")
        let lbPort = freePort(), haproxyPort = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(CookieTests.config(port: lbPort, a: a.port, b: b.port, cookie: Self.cookieLine), accessLog: log)
        let syslog = UDPReceiver()
        let directory = NSTemporaryDirectory() + "lb-cookie-dates-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Traffic is logged by the frontend's log targets; haproxy needs the last line ended.
        let config = CookieTests.config(port: haproxyPort, a: a.port, b: b.port, cookie: Self.cookieLine)
            .replacingOccurrences(of: "frontend fe\n", with: "frontend fe\n    log 127.0.0.1:\(syslog.port) local0\n    option httplog\n") + "\n"
        try config.write(toFile: directory + "/haproxy.cfg", atomically: true, encoding: .utf8)
        let haproxy = ChildProcess()
        haproxy.executableURL = URL(fileURLWithPath: RuntimeAPIInterop.haproxyPath!)
        haproxy.arguments = ["-db", "-f", directory + "/haproxy.cfg"]
        haproxy.standardOutput = FileHandle.nullDevice
        haproxy.standardError = FileHandle.nullDevice
        try ProcessLaunch.run(haproxy)
        defer { haproxy.stop() }
        try await waitUntil("haproxy to listen") { (try? RawClient(port: haproxyPort)) != nil }

        // One cookie from each, sent to the other.
        let fromHAProxy = try #require(Self.dated(try Self.request(haproxyPort, cookie: nil).header("set-cookie")))
        let fromLB = try #require(Self.dated(try Self.request(lbPort, cookie: nil).header("set-cookie")))
        func text(_ cookie: (server: String, last: Int, first: Int)) -> String {
            "\(cookie.server)|\(CookieDate.encode(seconds: cookie.last))|\(CookieDate.encode(seconds: cookie.first))"
        }
        let stale = [
            "ca|\(CookieDate.encode(seconds: Self.now - 4000))|\(CookieDate.encode(seconds: Self.now - 4000))",
            "ca|\(CookieDate.encode(seconds: Self.now))|\(CookieDate.encode(seconds: Self.now - 10_000))",
            "ca|junk|junk",
        ]
        let atLB = try Self.request(lbPort, cookie: text(fromHAProxy))
        #expect(atLB.bodyText == (fromHAProxy.server == "ca" ? "a\n" : "b\n"))
        let atHAProxy = try Self.request(haproxyPort, cookie: text(fromLB))
        #expect(atHAProxy.bodyText == (fromLB.server == "ca" ? "a\n" : "b\n"))
        for cookie in stale {
            _ = try Self.request(lbPort, cookie: cookie)
            _ = try Self.request(haproxyPort, cookie: cookie)
        }

        // The client-cookie character of each request after the first visit, in the order of the requests:
        // records can arrive in another (each proxy logs once the response has left, and a datagram's
        // way is not ordered), so they are ordered by the date each one carries.
        let lbFlags = await log.waitFor(5).sorted { $0.acceptDateMilliseconds < $1.acceptDateMilliseconds }
            .dropFirst().map { String($0.terminationState.dropFirst(2).prefix(1)) }
        // haproxy also tells its log targets that the proxy started: only traffic lines count.
        var haproxyLines: [String] = []
        while haproxyLines.count < 5, let datagram = syslog.receive(count: 1).first {
            if datagram.contains("fe be/") { haproxyLines.append(datagram) }
        }
        func acceptDate(_ line: String) -> String {
            line.range(of: #"\[\d+/\w+/\d+:\d+:\d+:\d+\.\d+\]"#, options: .regularExpression).map { String(line[$0]) } ?? ""
        }
        haproxyLines.sort { acceptDate($0) < acceptDate($1) }
        let haproxyFlags = haproxyLines.dropFirst().compactMap { line -> String? in
            guard let range = line.range(of: #" [-A-Za-z]{4} \d+/\d+/\d+/\d+/\d+ "#, options: .regularExpression) else { return nil }
            return String(line[range].dropFirst(3).prefix(1))
        }
        #expect(lbFlags == ["V", "E", "O", "V"], "\(lbFlags)")
        #expect(haproxyFlags == ["V", "E", "O", "V"], "\(haproxyLines)")
        await lb.stop()
        await a.stop()
        await b.stop()
    }
}
