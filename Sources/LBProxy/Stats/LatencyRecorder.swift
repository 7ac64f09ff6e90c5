import LBShared
import LBStats

/// Connect, response and total time of requests (queue time is left out: lb has no queue metrics yet).
final class LatencyRecorder: Sendable {
    let connect: AtomicHistogram
    let response: AtomicHistogram
    let total: AtomicHistogram

    init(layout: HistogramLayout = .defaultLatency) {
        connect = AtomicHistogram(layout: layout)
        response = AtomicHistogram(layout: layout)
        total = AtomicHistogram(layout: layout)
    }

    func snapshot() -> LatencySnapshot {
        LatencySnapshot(connect: connect.snapshot(), response: response.snapshot(), total: total.snapshot())
    }
}
