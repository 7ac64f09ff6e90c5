import Foundation
import LBTestSupport
import Testing
@testable import LBProxy

/// Traffic-based health (`observe`) beside haproxy 2.6: on the same traffic both take the server out
/// after the same number of errors, and say so in the same words.
@Suite(.serialized) struct TrafficHealthInteropTests {
    static func config(port: Int, backend: Int, syslog: Int, socket: String, observe: String) -> String {
        """
        global
            log 127.0.0.1:\(syslog) local0
            stats socket \(socket) mode 600 level admin
        defaults
            mode http
            log global
            timeout connect 1s
            timeout client 5s
            timeout server 5s
        frontend fe
            bind 127.0.0.1:\(port)
            default_backend be
        backend be
            server s1 127.0.0.1:\(backend) check inter 60s \(observe)

        """
    }

    /// The state-change lines among what a syslog receiver got, without their syslog header.
    static func events(_ receiver: UDPReceiver, until done: ([String]) -> Bool) -> [String] {
        var events: [String] = []
        // Give up after 5 s without a datagram (or an implausible number of them), not after a number of
        // datagrams: an agent checked every 20 ms adds a line per check while it keeps a server drained,
        // and on a loaded machine that phase lasts long enough for hundreds of them.
        var quietRounds = 0, received = 0
        while !done(events), quietRounds < 25, received < 20_000 {
            let datagrams = receiver.receive(count: 1, timeoutMilliseconds: 200)
            quietRounds = datagrams.isEmpty ? quietRounds + 1 : 0
            received += datagrams.count
            for datagram in datagrams {
                guard datagram.contains("Server be/") || datagram.contains("backend be ") else { continue }
                guard let start = datagram.range(of: "]: ") else { continue }
                events.append(String(datagram[start.upperBound...]).trimmingCharacters(in: .newlines))
            }
        }
        return events
    }

    /// Each case: the server line's options, the statuses of eight requests, the consecutive errors named.
    static let cases: [(String, [Int], Int)] = [
        ("observe layer7 error-limit 5 on-error mark-down", [500, 500, 500, 500, 500, 503, 503, 503], 5),
        // One error leaves the server one failed check from DOWN (UP 1/3), the next takes it down.
        ("fall 3 observe layer7 error-limit 1 on-error sudden-death", [500, 500, 503, 503, 503, 503, 503, 503], 1),
        // Each pair of errors counts one failed check: three pairs for `fall 3`.
        ("fall 3 observe layer7 error-limit 2 on-error fail-check", [500, 500, 500, 500, 500, 500, 503, 503], 2),
    ]

    @Test(.enabled(if: RuntimeAPIInterop.haproxyPath != nil, "needs haproxy (Debian package haproxy)"),
          arguments: Self.cases)
    func consecutive500sTakeTheServerDownInBoth(observe: String, expected statuses: [Int], errors: Int) async throws {
        let backend = try await TestBackend(name: "s1") { _ in
            .send(TestBackend.response(status: 500, reason: "Internal Server Error", body: "x"))
        }
        let lbPort = freePort(), haproxyPort = freePort()
        let lbSyslog = UDPReceiver(), haproxySyslog = UDPReceiver()
        let directory = NSTemporaryDirectory() + "lb-observe-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lb = try await LBHarness.start(Self.config(port: lbPort, backend: backend.port, syslog: lbSyslog.port,
                                                       socket: directory + "/l.sock", observe: observe), configuredLogging: true)
        try Self.config(port: haproxyPort, backend: backend.port, syslog: haproxySyslog.port, socket: directory + "/h.sock",
                        observe: observe)
            .write(toFile: directory + "/haproxy.cfg", atomically: true, encoding: .utf8)
        let haproxy = ChildProcess()
        haproxy.executableURL = URL(fileURLWithPath: RuntimeAPIInterop.haproxyPath!)
        haproxy.arguments = ["-db", "-f", directory + "/haproxy.cfg"]
        haproxy.standardOutput = FileHandle.nullDevice
        haproxy.standardError = FileHandle.nullDevice
        try ProcessLaunch.run(haproxy)
        defer { haproxy.stop() }
        // Both start trusting the server one failure from DOWN; its first check puts it at the top. The
        // counts compared start from there.
        for socket in ["/h.sock", "/l.sock"] {
            try await RuntimeAPIInterop.waitFor("the first check through \(socket)") {
                try RuntimeAPITests.socat(directory + socket, "show stat\n").contains(",L4OK,")
            }
        }

        // The same eight requests, one connection each, to both. The proxy closes each (`Connection:
        // close`), so the session has ended before the next request comes, and the active session count the
        // DOWN line gives is the one request's: were the client to close, a proxy could still count it.
        func answers(_ port: Int) throws -> [Int] {
            try (0..<8).map { _ in try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status }
        }
        let fromHAProxy = try answers(haproxyPort)
        let fromLB = try answers(lbPort)
        #expect(fromHAProxy == statuses)
        #expect(fromLB == fromHAProxy)

        let expected = [
            "Server be/s1 is DOWN, reason: Health analyze, info: \"Detected \(errors) consecutive errors, last one was: "
                + "Wrong http response\". 0 active and 0 backup servers left. 1 sessions active, 0 requeued, "
                + "0 remaining in queue.",
            "backend be has no server available!",
        ]
        let haproxyEvents = Self.events(haproxySyslog) { $0.count >= 2 }
        let lbEvents = Self.events(lbSyslog) { $0.count >= 2 }
        #expect(haproxyEvents == expected)
        // lb's UDP sender groups a batch's datagrams by length (`DatagramSegmentPlan`), so two lines
        // logged within the same few milliseconds may arrive swapped: the lines are compared, not their order.
        #expect(lbEvents.sorted() == haproxyEvents.sorted())

        // The stats say why: the check status is HANA, with the detail.
        let server = lb.balancer.runtime.backends[0].servers[0]
        #expect(server.lastCheck.load(ordering: .relaxed) == CheckResult.Status.healthAnalyze.rawValue)
        #expect(server.checkReport.trafficTrips.load(ordering: .relaxed) == statuses.filter { $0 == 500 }.count / errors)
        await lb.stop()
        await backend.stop()
    }
}
