import LBStats

/// HTTP responses by status class (1xx … 5xx, other).
final class ResponseCounters: Sendable {
    private let classes = AtomicCounterBlock(count: 6)

    @inline(__always)
    func record(status: Int) {
        classes.add(1, at: ResponseCounts.classIndex(status: status))
    }

    func snapshot() -> ResponseCounts { ResponseCounts(counts: classes.loadAll()) }
}
