import Foundation
import LBConfig
@testable import LBCore
import Testing

/// The cost of choosing a backend through 100 ACLs and 50 `use_backend` rules, without the network: the
/// configuration `bench/routing.sh` measures end to end (`fixtures/configs/routing-100-acls.cfg`) and its
/// request, which no rule matches. Runs only when `LB_BENCH` is set (see `bench/rules.sh`, which builds
/// in release); it prints figures and asserts only the routing decision.
struct RuleEvaluationBenchmark {
    static let enabled = ProcessInfo.processInfo.environment["LB_BENCH"] != nil

    static let request = HTTPRequestHead(
        method: "GET", uri: "/shop/catalog/item/12345?id=12345&ref=home&lang=en", version: .http1_1,
        headers: HTTPHeaderFields([
            .init(name: "Host", value: "www.example.com"),
            .init(name: "User-Agent", value: "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"),
            .init(name: "Accept", value: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            .init(name: "Accept-Language", value: "en-US,en;q=0.5"),
        ]))
    static let connection = ConnectionInfo(source: IPAddress("127.0.0.1"), sourcePort: 40000,
                                           destination: IPAddress("127.0.0.1"), destinationPort: 18303)

    @Test(.enabled(if: enabled)) func selectThroughHundredACLs() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures/configs/routing-100-acls.cfg")
        let text = try String(contentsOf: url, encoding: .utf8)
        let configuration = try #require(ConfigurationLoader.parse(text, name: url.lastPathComponent).configuration)
        let plan = try #require(ProxyPlan.compile(configuration).plan)
        let rules = plan.frontends[0].rules
        let defaultIndex = try #require(plan.backends.firstIndex { $0.name == "be_main" })
        #expect(rules.selectBackend(for: Self.request, connection: Self.connection) == defaultIndex)

        let iterations = 200_000
        var times: [Duration] = []
        for _ in 0..<7 {
            var chosen = 0
            let start = ContinuousClock.now
            for _ in 0..<iterations { chosen &+= rules.selectBackend(for: Self.request, connection: Self.connection) ?? 0 }
            times.append(ContinuousClock.now - start)
            #expect(chosen == defaultIndex &* iterations)
        }
        times.sort()
        let nanoseconds = { (duration: Duration) in
            Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
        }
        print(String(format: "rules: 100 ACLs + 50 use_backend, no match: median %.0f ns per request, min %.0f ns",
                     nanoseconds(times[times.count / 2]) / Double(iterations), nanoseconds(times[0]) / Double(iterations)))
    }
}
