/// Everything that shapes a report, parsed from the command line.
public struct ReportOptions: Sendable {
    public var since: Int64?
    public var until: Int64?
    public var filters: [FilterClause] = []
    public var groupBy: [Dimension] = []
    public var top = 10
    /// Timeline slot width in milliseconds; nil = chosen from the time range (about 60 slots).
    public var interval: Int64?
    public var percentiles: [Double] = [50, 75, 90, 95, 99, 99.9]
    public var metrics: [TimerKind] = TimerKind.allCases
    public var slo: SLO?
    /// Keep the query string in URL keys (default: path only, cut at `?` or `;`).
    public var keepQuery = false
    /// How many unparsable lines to quote.
    public var invalidSamples = 5
    /// Request captures in each CLF line (see `LogLineParser.clfRequestCaptureCount`); nil = all.
    public var clfRequestCaptureCount: Int?

    public init() {}
}

/// `--slo 300ms[:99.9]`: the share of requests (Ta) under a threshold, against a target.
public struct SLO: Sendable, Equatable {
    public var thresholdMilliseconds: Int
    public var targetPercent: Double

    public init(thresholdMilliseconds: Int, targetPercent: Double) {
        self.thresholdMilliseconds = thresholdMilliseconds
        self.targetPercent = targetPercent
    }

    public static func parse(_ text: String) throws -> SLO {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard let first = parts.first, let threshold = DurationText.milliseconds(first), threshold > 0 else {
            throw ReportOptionError.badArgument("--slo \(text): expected a duration such as 300ms or 1s, optionally :99.9")
        }
        var target = 99.0
        if parts.count == 2 {
            guard let t = Double(parts[1].replacingPercent), t > 0, t < 100 else {
                throw ReportOptionError.badArgument("--slo \(text): the target must be a percentage between 0 and 100")
            }
            target = t
        }
        return SLO(thresholdMilliseconds: Int(threshold), targetPercent: target)
    }
}

public enum ReportOptionError: Error, Equatable, CustomStringConvertible {
    case badFilter(String)
    case badArgument(String)

    public var description: String {
        switch self {
        case .badFilter(let m): return "--filter \(m)"
        case .badArgument(let m): return m
        }
    }
}

extension String {
    var replacingPercent: String { hasSuffix("%") ? String(dropLast()) : self }
}

/// Durations as users type them: `250ms`, `5s`, `1m`, `2h`, `1d`, `1w` (a bare number is milliseconds).
public enum DurationText {
    public static func milliseconds(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000), ("w", 604_800_000)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            if let v = Double(number), v >= 0 { return Int64(v * Double(factor)) }
            if suffix == "m" || suffix == "s" { continue }  // "ms" ends with "s"
            return nil
        }
        return Int64(text)
    }

    /// `1m`, `30s`, `1h`, `250ms` for display.
    public static func format(milliseconds ms: Int64) -> String {
        if ms % 86_400_000 == 0 { return "\(ms / 86_400_000)d" }
        if ms % 3_600_000 == 0 { return "\(ms / 3_600_000)h" }
        if ms % 60_000 == 0 { return "\(ms / 60_000)m" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(ms)ms"
    }
}
