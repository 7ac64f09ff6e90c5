/// Events per second of one proxy or server, as the stats page, the CSV and the exporter show them.
public struct EventRate: Sendable, Equatable {
    /// Events in the last complete second.
    public var current: Int
    /// The busiest second since start.
    public var maximum: Int
    /// The last seconds, oldest first (at most `RateHistory.seconds`): the page's sparkline.
    public var recent: [Int]

    public init(current: Int, maximum: Int, recent: [Int]) {
        self.current = current
        self.maximum = maximum
        self.recent = recent
    }
}

/// Turns a total counter, read once a second, into per-second rates. Rates come from differences
/// between readings, so the data path keeps only its counters; a counter that goes back (`clear
/// counters`) gives a rate of zero for that second rather than a negative one.
public struct RateHistory: Sendable {
    public static let seconds = 60

    private var previousTotal: Int?
    private var recent: [Int] = []
    private var maximum = 0

    public init() {}

    /// Records the counter's value one second after the previous reading.
    public mutating func record(total: Int) {
        defer { previousTotal = total }
        guard let previousTotal else { return }
        let rate = max(0, total - previousTotal)
        if recent.count == Self.seconds { recent.removeFirst() }
        recent.append(rate)
        maximum = max(maximum, rate)
    }

    public var rate: EventRate { EventRate(current: recent.last ?? 0, maximum: maximum, recent: recent) }
}
