import LBShared

/// HTTP responses by status class, in HAProxy's order: 1xx, 2xx, 3xx, 4xx, 5xx, other.
public struct ResponseCounts: Sendable, Equatable {
    public static let codeLabels = ["1xx", "2xx", "3xx", "4xx", "5xx", "other"]
    public var counts: [Int]

    public init(counts: [Int] = [0, 0, 0, 0, 0, 0]) {
        precondition(counts.count == 6)
        self.counts = counts
    }

    /// The class index of a status: 0 for 1xx ... 4 for 5xx, 5 for anything else.
    @inline(__always)
    public static func classIndex(status: Int) -> Int {
        (100...599).contains(status) ? status / 100 - 1 : 5
    }

    public var total: Int { counts.reduce(0, +) }

    public mutating func add(_ other: ResponseCounts) {
        for index in 0..<6 { counts[index] += other.counts[index] }
    }
}

/// The latency histograms kept per backend and per server. Queue time is absent on purpose: lb has no
/// queues, and a histogram of constant zeros would only mislead.
public struct LatencySnapshot: Sendable, Equatable {
    /// From server chosen to connection established (HAProxy's Tc).
    public var connect: HistogramSnapshot
    /// From connection established to the response head (Tr).
    public var response: HistogramSnapshot
    /// From the first request byte to the end of the exchange (Ta).
    public var total: HistogramSnapshot

    public init(connect: HistogramSnapshot, response: HistogramSnapshot, total: HistogramSnapshot) {
        self.connect = connect
        self.response = response
        self.total = total
    }

    public static func empty(_ layout: HistogramLayout = .defaultLatency) -> LatencySnapshot {
        LatencySnapshot(connect: .empty(layout), response: .empty(layout), total: .empty(layout))
    }

    public mutating func add(_ other: LatencySnapshot) {
        connect.add(other.connect)
        response.add(other.response)
        total.add(other.total)
    }

    /// The histograms with the metric stem they are exported under.
    public var named: [(stem: String, help: String, histogram: HistogramSnapshot)] {
        [("connect_time_seconds", "connect time (Tc)", connect),
         ("response_time_seconds", "response time (Tr)", response),
         ("total_time_seconds", "total active time of a request (Ta)", total)]
    }
}
