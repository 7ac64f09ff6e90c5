import LBConfig

extension StickCounters {
    /// The value of `type` as the peers protocol carries it (rates as their two periods).
    public func peerValue(_ type: StickDataType, now: Int64) -> PeerDataValue {
        switch type {
        case .serverID, .serverKey: return .integer(0)
        case .gpt0: return .integer(UInt64(max(0, gpt0)))
        case .gpc0: return .integer(UInt64(max(0, gpc0)))
        case .gpc1: return .integer(UInt64(max(0, gpc1)))
        case .connCount: return .integer(UInt64(max(0, connCount)))
        case .connCurrent: return .integer(UInt64(max(0, connCurrent)))
        case .sessionCount: return .integer(UInt64(max(0, sessionCount)))
        case .httpRequestCount: return .integer(UInt64(max(0, httpRequestCount)))
        case .httpErrorCount: return .integer(UInt64(max(0, httpErrorCount)))
        case .bytesInCount: return .integer(UInt64(max(0, bytesIn)))
        case .bytesOutCount: return .integer(UInt64(max(0, bytesOut)))
        case .gpc0Rate: return Self.peerValue(gpc0Rate, now: now)
        case .gpc1Rate: return Self.peerValue(gpc1Rate, now: now)
        case .connRate: return Self.peerValue(connRate, now: now)
        case .sessionRate: return Self.peerValue(sessionRate, now: now)
        case .httpRequestRate: return Self.peerValue(httpRequestRate, now: now)
        case .httpErrorRate: return Self.peerValue(httpErrorRate, now: now)
        case .bytesInRate: return Self.peerValue(bytesInRate, now: now)
        case .bytesOutRate: return Self.peerValue(bytesOutRate, now: now)
        }
    }

    /// Takes a peer's value of `type`. The current connection count stays local, as in HAProxy: the
    /// peer's connections are not this node's.
    public mutating func setPeerValue(_ type: StickDataType, _ value: PeerDataValue, now: Int64) {
        if case .frequency(let ago, let current, let previous) = value {
            let counter = FrequencyCounter(start: now - Int64(clamping: ago), current: current, previous: previous)
            switch type {
            case .gpc0Rate: gpc0Rate = counter
            case .gpc1Rate: gpc1Rate = counter
            case .connRate: connRate = counter
            case .sessionRate: sessionRate = counter
            case .httpRequestRate: httpRequestRate = counter
            case .httpErrorRate: httpErrorRate = counter
            case .bytesInRate: bytesInRate = counter
            case .bytesOutRate: bytesOutRate = counter
            default: break
            }
            return
        }
        guard case .integer(let raw) = value else { return }
        let number = Int(clamping: raw)
        switch type {
        case .gpt0: gpt0 = number
        case .gpc0: gpc0 = number
        case .gpc1: gpc1 = number
        case .connCount: connCount = number
        case .sessionCount: sessionCount = number
        case .httpRequestCount: httpRequestCount = number
        case .httpErrorCount: httpErrorCount = number
        case .bytesInCount: bytesIn = number
        case .bytesOutCount: bytesOut = number
        default: break
        }
    }

    private static func peerValue(_ counter: FrequencyCounter, now: Int64) -> PeerDataValue {
        let state = counter.state
        guard let start = state.start else { return .frequency(ago: 0, current: 0, previous: 0) }
        return .frequency(ago: UInt64(max(0, now - start)), current: state.current, previous: state.previous)
    }
}
