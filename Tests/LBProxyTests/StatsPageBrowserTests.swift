import Foundation
import LBTestSupport
import Testing
@testable import LBProxy

/// The stats page in a real browser: headless chromium loads it with credentials, and the rendered DOM
/// shows every frontend, backend and server of the configuration in its state; a screenshot is taken.
/// Without credentials the browser gets the 401 page and no table.
@Suite(.serialized) struct StatsPageBrowserTests {
    static var chromium: String? { MetricsSupport.tool("chromium") ?? MetricsSupport.tool("chromium-browser") }

    /// Servers start UP, as in HAProxy, so a request may reach `down1` before its first check has
    /// failed (checks run on other threads than the connections) and be answered 503; the tests that
    /// expect every request to succeed wait for that check first.
    static func waitForDown1(_ lb: LBHarness) async throws {
        try await RuntimeAPIInterop.waitFor("down1's first check to fail") {
            lb.balancer.runtime.statsSnapshot().backends[0].servers[1].status.text == "DOWN"
        }
    }

    static func config(port: Int, statsPort: Int, backendPort: Int, closedPort: Int) -> String {
        """
        defaults
            mode http
            timeout connect 1s
            timeout client 5s
            timeout server 5s
        frontend web
            bind 127.0.0.1:\(port)
            default_backend app
        backend app
            server up1 127.0.0.1:\(backendPort) check inter 200ms rise 1
            server down1 127.0.0.1:\(closedPort) check inter 200ms fall 1
            server maint1 127.0.0.1:\(backendPort) disabled
            server plain1 127.0.0.1:\(backendPort)
            server spare 127.0.0.1:\(backendPort) backup check inter 200ms rise 1
        backend empty
        listen stats
            bind 127.0.0.1:\(statsPort)
            stats enable
            stats uri /stats
            stats realm lb
            stats auth admin:s3cret
            stats admin if LOCALHOST
        """
    }

    /// A row of the rendered tables: which proxy's table, its kind, name and status attribute.
    struct Row: Equatable, CustomStringConvertible {
        var proxy: String, kind: String, name: String, status: String
        var description: String { "\(proxy)/\(kind)/\(name)=\(status)" }
    }

    /// The rows of every `table.tbl` in a DOM dump.
    static func rows(in dom: String) -> [Row] {
        var rows: [Row] = []
        for table in dom.components(separatedBy: "<table class=\"tbl\" data-proxy=\"").dropFirst() {
            let proxy = String(table.prefix { $0 != "\"" })
            let body = table.components(separatedBy: "</table>")[0]
            for row in body.components(separatedBy: "<tr ").dropFirst() {
                func attribute(_ name: String) -> String {
                    guard let start = row.range(of: "\(name)=\"") else { return "" }
                    return String(row[start.upperBound...].prefix { $0 != "\"" })
                }
                guard !attribute("data-kind").isEmpty else { continue }
                rows.append(Row(proxy: proxy, kind: attribute("data-kind"), name: attribute("data-name"), status: attribute("data-status")))
            }
        }
        return rows
    }

    static func browse(_ arguments: [String], directory: String) async throws -> ExternalTool.Outcome {
        try await ExternalTool.run(chromium!, ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(directory)/profile",
                                         "--no-first-run"] + arguments)
    }

    @Test(.enabled(if: chromium != nil))
    func browserShowsEveryProxyAndServerInItsState() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort(), statsPort = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, statsPort: statsPort, backendPort: backend.port,
                                                       closedPort: freePort()))
        let directory = NSTemporaryDirectory() + "lb-browser-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        try await Self.waitForDown1(lb)
        for _ in 0..<5 { #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").status == 200) }
        // Checks settle (up1 and spare UP, down1 DOWN) and a second of traffic has been measured.
        try await RuntimeAPIInterop.waitFor("checks to settle and rates to be measured") {
            let snapshot = lb.balancer.runtime.statsSnapshot()
            let app = snapshot.backends[0].servers
            return app[0].status.text == "UP" && app[1].status.text == "DOWN" && app[4].status.text == "UP"
                && snapshot.backends[0].sessionRate?.recent.reduce(0, +) == 5
        }

        let url = "http://admin:s3cret@127.0.0.1:\(statsPort)/stats"
        let dump = try await Self.browse(["--dump-dom", url], directory: directory)
        #expect(dump.status == 0, "\(dump.errors.suffix(500))")
        let rows = Self.rows(in: dump.output)
        // In configuration order, as HAProxy lists them; a backend without servers is UP, as in HAProxy.
        let expected: [Row] = [
            Row(proxy: "web", kind: "frontend", name: "Frontend", status: "OPEN"),
            Row(proxy: "app", kind: "server", name: "up1", status: "UP"),
            Row(proxy: "app", kind: "server", name: "down1", status: "DOWN"),
            Row(proxy: "app", kind: "server", name: "maint1", status: "MAINT"),
            Row(proxy: "app", kind: "server", name: "plain1", status: "no check"),
            Row(proxy: "app", kind: "server", name: "spare", status: "UP"),
            Row(proxy: "app", kind: "backend", name: "Backend", status: "UP"),
            Row(proxy: "empty", kind: "backend", name: "Backend", status: "UP"),
            Row(proxy: "stats", kind: "frontend", name: "Frontend", status: "OPEN"),
            Row(proxy: "stats", kind: "backend", name: "Backend", status: "UP"),
        ]
        #expect(rows == expected)
        // The backend's sparkline shows the five requests; the admin form offers every action.
        #expect(dump.output.contains("aria-label=\"sessions per second over the last"))
        for action in ["ready", "drain", "maint", "dhlth", "ehlth", "weight"] {
            #expect(dump.output.contains("<option value=\"\(action)\">"), "\(action)")
        }

        // A screenshot of the rendered page: a PNG of the window's size. `scripts/stats-screenshot.sh` keeps
        // one in docs/ by setting LB_SCREENSHOT_PATH.
        let screenshot = ProcessInfo.processInfo.environment["LB_SCREENSHOT_PATH"] ?? directory + "/stats.png"
        let shot = try await Self.browse(["--screenshot=\(screenshot)", "--window-size=1400,700", "--hide-scrollbars", url],
                                   directory: directory)
        #expect(shot.status == 0, "\(shot.errors.suffix(500))")
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // Width and height, big-endian in the IHDR chunk.
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 1400 && height == 700, "\(width)x\(height)")

        // Without credentials the browser is asked for them (headless, it renders nothing) and gets no
        // statistics; the answer is a 401 with the realm.
        let refused = try await Self.browse(["--dump-dom", "http://127.0.0.1:\(statsPort)/stats"], directory: directory)
        #expect(refused.status == 0)
        #expect(!refused.output.contains("data-proxy") && !refused.output.contains("Statistics Report"))
        let answer = try fetch(port: statsPort, "GET /stats HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(answer.status == 401)
        #expect(answer.header("www-authenticate") == "Basic realm=\"lb\"")

        await lb.stop()
        await backend.stop()
    }

    /// Rates on the page and in the CSV account for exactly the requests sent.
    @Test func ratesCountEveryRequestOnce() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort(), statsPort = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, statsPort: statsPort, backendPort: backend.port,
                                                       closedPort: freePort()))
        try await Self.waitForDown1(lb)
        let requests = 23
        for _ in 0..<requests { #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").status == 200) }
        try await RuntimeAPIInterop.waitFor("the requests to be counted in the rates") {
            let snapshot = lb.balancer.runtime.statsSnapshot()
            return snapshot.frontends[0].requestRate?.recent.reduce(0, +) == requests
                && snapshot.backends[0].sessionRate?.recent.reduce(0, +) == requests
        }
        let snapshot = lb.balancer.runtime.statsSnapshot()
        let maximum = try #require(snapshot.frontends[0].requestRate?.maximum)
        #expect(maximum > 0 && maximum <= requests)
        let auth = "Authorization: Basic \(MetricsSupport.basic("admin", "s3cret"))\r\n"
        let csv = try fetch(port: statsPort, "GET /stats;csv HTTP/1.1\r\nHost: x\r\n\(auth)\r\n").bodyText
        let header = csv.split(separator: "\n")[0].dropFirst(2).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let web = try #require(csv.split(separator: "\n").first { $0.hasPrefix("web,FRONTEND,") })
            .split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(web[header.firstIndex(of: "req_rate_max")!] == "\(maximum)")
        #expect(Int(web[header.firstIndex(of: "rate_max")!]) ?? 0 > 0)
        await lb.stop()
        await backend.stop()
    }
}
