import Foundation
import LBStats
import Testing

/// Rendering cost for a large configuration (100 backends × 10 servers). Runs only when `LB_BENCH` is
/// set (see `bench/metrics.sh`, which builds in release): it prints figures and asserts nothing timed.
struct RenderBenchmark {
    static let enabled = ProcessInfo.processInfo.environment["LB_BENCH"] != nil

    static func largeSnapshot() -> StatsSnapshot {
        var backends: [BackendSnapshot] = []
        for b in 0..<100 {
            let servers = (0..<10).map { StatsFixtures.server("srv\($0)", id: $0 + 1, requests: [800, 1_500, 12_000, 90_000, 2_000_000]) }
            var backend = StatsFixtures.snapshot(servers: servers, backendName: "backend_\(b)").backends[0]
            backend.id = b + 1
            backends.append(backend)
        }
        var snapshot = StatsFixtures.snapshot()
        snapshot.backends = backends
        return snapshot
    }

    @Test(.enabled(if: enabled)) func renderLargeConfiguration() {
        let snapshot = Self.largeSnapshot()
        let renderers: [(String, () -> Int)] = [
            ("prometheus", { PrometheusRenderer.render(snapshot).count }),
            ("openmetrics", { PrometheusRenderer.render(snapshot, format: .openMetrics).count }),
            ("csv", { CSVRenderer.render(snapshot).count }),
            ("json", { JSONRenderer.render(snapshot).count }),
            ("html", { HTMLRenderer.render(snapshot, options: HTMLPageOptions(uri: "/stats")).count }),
        ]
        for (name, render) in renderers {
            var times: [Duration] = []
            var size = 0
            for _ in 0..<15 {
                let start = ContinuousClock.now
                size = render()
                times.append(ContinuousClock.now - start)
            }
            times.sort()
            print("render \(name): 100 backends x 10 servers, \(size) bytes, median \(times[times.count / 2]), min \(times[0])")
        }
    }
}
