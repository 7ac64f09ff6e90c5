/// What a stick table entry can store besides its key (`stick-table ... store TYPE[(PERIOD)],...`).
/// The cases are in HAProxy's order, which is also the order `show table` prints them in.
public enum StickDataType: Int, Sendable, Hashable, CaseIterable {
    case serverID, gpt0, gpc0, gpc0Rate, connCount, connRate, connCurrent, sessionCount, sessionRate
    case httpRequestCount, httpRequestRate, httpErrorCount, httpErrorRate, bytesInCount, bytesInRate
    case bytesOutCount, bytesOutRate, gpc1, gpc1Rate, serverKey

    /// The name in configurations, fetches and `show table`.
    public var name: String { Self.names[rawValue] }

    /// Rates take a period: `http_req_rate(10s)`.
    public var isRate: Bool {
        switch self {
        case .gpc0Rate, .connRate, .sessionRate, .httpRequestRate, .httpErrorRate, .bytesInRate, .bytesOutRate, .gpc1Rate: true
        default: false
        }
    }

    public init?(name: String) {
        guard let index = Self.names.firstIndex(of: name) else { return nil }
        self.init(rawValue: index)
    }

    private static let names = [
        "server_id", "gpt0", "gpc0", "gpc0_rate", "conn_cnt", "conn_rate", "conn_cur", "sess_cnt", "sess_rate",
        "http_req_cnt", "http_req_rate", "http_err_cnt", "http_err_rate", "bytes_in_cnt", "bytes_in_rate",
        "bytes_out_cnt", "bytes_out_rate", "gpc1", "gpc1_rate", "server_key",
    ]
}

/// The data a table stores: for each type, nil when not stored, else its period in milliseconds (0 for
/// types that are not rates).
public struct StickStoredData: Sendable, Hashable {
    private var periods: [Int?] = Array(repeating: nil, count: StickDataType.allCases.count)

    public init() {}

    public func stores(_ type: StickDataType) -> Bool { periods[type.rawValue] != nil }
    public func period(_ type: StickDataType) -> Int? { periods[type.rawValue] }
    public var isEmpty: Bool { !periods.contains { $0 != nil } }

    public mutating func add(_ type: StickDataType, period: Int = 0) { periods[type.rawValue] = period }

    /// The stored types, in HAProxy's order.
    public var types: [StickDataType] { StickDataType.allCases.filter(stores) }
}
