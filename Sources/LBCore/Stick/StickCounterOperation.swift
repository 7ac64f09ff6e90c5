import LBConfig

/// What a counter fetch, converter or action does with a stick table entry.
public enum StickCounterOperation: Sendable, Hashable {
    /// The stored value (a count or a rate); no value when the table does not store the type.
    case read(StickDataType)
    /// `kbytes_in` / `kbytes_out`: the byte counts in kilobytes.
    case kilobytes(StickDataType)
    case incrementGPC0, incrementGPC1, clearGPC0, clearGPC1
    /// `sc-set-gpt0`.
    case setGPT0(Int)
    /// `*_trackers`: how many trackers hold the entry.
    case trackers
    /// `scN_tracked`: 1 when the slot tracks an entry, else 0 (read as a boolean).
    case isTracked

    /// Applies the operation to an entry's counters; nil when the table lacks the data type.
    public func apply(_ counters: inout StickCounters, uses: Int, _ stored: StickStoredData, now: Int64) -> Int? {
        switch self {
        case .read(let type): return counters.value(type, stored, now: now)
        case .kilobytes(let type): return counters.value(type, stored, now: now).map { $0 / 1024 }
        case .incrementGPC0:
            guard stored.stores(.gpc0) || stored.stores(.gpc0Rate) else { return nil }
            return counters.incrementGPC0(stored, now: now)
        case .incrementGPC1:
            guard stored.stores(.gpc1) || stored.stores(.gpc1Rate) else { return nil }
            return counters.incrementGPC1(stored, now: now)
        case .clearGPC0:
            guard stored.stores(.gpc0) else { return nil }
            defer { counters.gpc0 = 0 }
            return counters.gpc0
        case .clearGPC1:
            guard stored.stores(.gpc1) else { return nil }
            defer { counters.gpc1 = 0 }
            return counters.gpc1
        case .setGPT0(let value):
            guard stored.stores(.gpt0) else { return nil }
            counters.gpt0 = value
            return value
        case .trackers: return uses
        case .isTracked: return 1
        }
    }

    /// True when the operation changes the entry (and may create it, as `src_inc_gpc0` does).
    public var writes: Bool {
        switch self {
        case .incrementGPC0, .incrementGPC1, .clearGPC0, .clearGPC1, .setGPT0: true
        default: false
        }
    }

    /// The operation of a rule action: `sc-inc-gpc0`, `sc-inc-gpc1` or `sc-set-gpt0` (with its value).
    static func ruleAction(_ name: String, value: Int?) -> StickCounterOperation {
        switch name {
        case "sc-inc-gpc0": .incrementGPC0
        case "sc-inc-gpc1": .incrementGPC1
        default: .setGPT0(value ?? 0)
        }
    }

    /// The operation a fetch or converter suffix names: `http_req_rate`, `get_gpc0`, `inc_gpc0`...
    static func named(_ suffix: String) -> StickCounterOperation? {
        switch suffix {
        case "get_gpc0", "gpc0": return .read(.gpc0)
        case "get_gpc1", "gpc1": return .read(.gpc1)
        case "get_gpt0", "gpt0": return .read(.gpt0)
        case "inc_gpc0": return .incrementGPC0
        case "inc_gpc1": return .incrementGPC1
        case "clr_gpc0": return .clearGPC0
        case "clr_gpc1": return .clearGPC1
        case "trackers": return .trackers
        case "tracked": return .isTracked
        case "kbytes_in": return .kilobytes(.bytesInCount)
        case "kbytes_out": return .kilobytes(.bytesOutCount)
        case "bytes_in_cnt", "bytes_out_cnt": return nil
        default:
            guard let type = StickDataType(name: suffix), type != .serverKey, type != .serverID,
                  type != .gpc0, type != .gpc1, type != .gpt0 else { return nil }
            return .read(type)
        }
    }
}
