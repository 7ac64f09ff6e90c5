import LBConfig

/// The counters of one stick table entry. Every field exists in every entry; only the types the table
/// stores are updated and readable, so a fetch of a type the table lacks has no value, as in HAProxy.
public struct StickCounters: Sendable, Hashable {
    public var gpt0 = 0
    public var gpc0 = 0
    public var gpc1 = 0
    public var connCount = 0
    public var connCurrent = 0
    public var sessionCount = 0
    public var httpRequestCount = 0
    public var httpErrorCount = 0
    public var bytesIn = 0
    public var bytesOut = 0
    public var gpc0Rate = FrequencyCounter()
    public var gpc1Rate = FrequencyCounter()
    public var connRate = FrequencyCounter()
    public var sessionRate = FrequencyCounter()
    public var httpRequestRate = FrequencyCounter()
    public var httpErrorRate = FrequencyCounter()
    public var bytesInRate = FrequencyCounter()
    public var bytesOutRate = FrequencyCounter()

    public init() {}

    /// A tracker started on the entry: one more current connection, one more in the cumulated count and
    /// the rate (HAProxy counts these whatever rule set starts the tracking).
    public mutating func startTracking(_ stored: StickStoredData, now: Int64) {
        connCurrent += 1
        connCount += 1
        Self.bump(&connRate, .connRate, 1, stored, now)
    }

    /// A tracker let go of the entry (its connection or request ended).
    public mutating func stopTracking() {
        connCurrent = max(0, connCurrent - 1)
    }

    public mutating func countSession(_ stored: StickStoredData, now: Int64) {
        sessionCount += 1
        Self.bump(&sessionRate, .sessionRate, 1, stored, now)
    }

    public mutating func countRequest(_ stored: StickStoredData, now: Int64) {
        httpRequestCount += 1
        Self.bump(&httpRequestRate, .httpRequestRate, 1, stored, now)
    }

    public mutating func countError(_ stored: StickStoredData, now: Int64) {
        httpErrorCount += 1
        Self.bump(&httpErrorRate, .httpErrorRate, 1, stored, now)
    }

    public mutating func addBytes(in received: Int, out sent: Int, _ stored: StickStoredData, now: Int64) {
        bytesIn += received
        bytesOut += sent
        if received > 0 { Self.bump(&bytesInRate, .bytesInRate, UInt64(received), stored, now) }
        if sent > 0 { Self.bump(&bytesOutRate, .bytesOutRate, UInt64(sent), stored, now) }
    }

    /// `sc_inc_gpc0`: the new value.
    public mutating func incrementGPC0(_ stored: StickStoredData, now: Int64) -> Int {
        gpc0 += 1
        Self.bump(&gpc0Rate, .gpc0Rate, 1, stored, now)
        return gpc0
    }

    public mutating func incrementGPC1(_ stored: StickStoredData, now: Int64) -> Int {
        gpc1 += 1
        Self.bump(&gpc1Rate, .gpc1Rate, 1, stored, now)
        return gpc1
    }

    /// `set table ... data.TYPE VALUE`: a count takes the value, a rate restarts with it as the count of
    /// its current period. False when the table does not store the type (or it is a server type).
    public mutating func set(_ type: StickDataType, to value: Int, _ stored: StickStoredData, now: Int64) -> Bool {
        guard stored.stores(type) else { return false }
        let count = UInt64(max(0, value))
        switch type {
        case .serverID, .serverKey: return false
        case .gpt0: gpt0 = value
        case .gpc0: gpc0 = value
        case .gpc1: gpc1 = value
        case .connCount: connCount = value
        case .connCurrent: connCurrent = value
        case .sessionCount: sessionCount = value
        case .httpRequestCount: httpRequestCount = value
        case .httpErrorCount: httpErrorCount = value
        case .bytesInCount: bytesIn = value
        case .bytesOutCount: bytesOut = value
        case .gpc0Rate: gpc0Rate.reset(to: count, now: now)
        case .gpc1Rate: gpc1Rate.reset(to: count, now: now)
        case .connRate: connRate.reset(to: count, now: now)
        case .sessionRate: sessionRate.reset(to: count, now: now)
        case .httpRequestRate: httpRequestRate.reset(to: count, now: now)
        case .httpErrorRate: httpErrorRate.reset(to: count, now: now)
        case .bytesInRate: bytesInRate.reset(to: count, now: now)
        case .bytesOutRate: bytesOutRate.reset(to: count, now: now)
        }
        return true
    }

    /// The value of `type` at `now`; nil when the table does not store it (or for the server types,
    /// which the entry keeps outside its counters).
    public func value(_ type: StickDataType, _ stored: StickStoredData, now: Int64) -> Int? {
        guard let period = stored.period(type) else { return nil }
        switch type {
        case .serverID, .serverKey: return nil
        case .gpt0: return gpt0
        case .gpc0: return gpc0
        case .gpc1: return gpc1
        case .connCount: return connCount
        case .connCurrent: return connCurrent
        case .sessionCount: return sessionCount
        case .httpRequestCount: return httpRequestCount
        case .httpErrorCount: return httpErrorCount
        case .bytesInCount: return bytesIn
        case .bytesOutCount: return bytesOut
        case .gpc0Rate: return Int(gpc0Rate.read(period: period, now: now))
        case .gpc1Rate: return Int(gpc1Rate.read(period: period, now: now))
        case .connRate: return Int(connRate.read(period: period, now: now))
        case .sessionRate: return Int(sessionRate.read(period: period, now: now))
        case .httpRequestRate: return Int(httpRequestRate.read(period: period, now: now))
        case .httpErrorRate: return Int(httpErrorRate.read(period: period, now: now))
        case .bytesInRate: return Int(bytesInRate.read(period: period, now: now))
        case .bytesOutRate: return Int(bytesOutRate.read(period: period, now: now))
        }
    }

    private static func bump(_ counter: inout FrequencyCounter, _ type: StickDataType, _ amount: UInt64,
                               _ stored: StickStoredData, _ now: Int64) {
        guard let period = stored.period(type) else { return }
        counter.add(amount, period: period, now: now)
    }
}
