import Foundation
import LBLog

/// halog's outputs computed from an aggregate, byte for byte in halog's layout, for the outputs where
/// both tools count the same thing: `-st`, `-tc`, `-srv` and `-pct`. They let users check lblog against
/// the tool they know, and the interop test compare the two exactly. Names and termination characters
/// are written `TerminalSafe` (halog copies them raw; HAProxy never logs a control byte raw, so the two
/// differ only on a crafted log).
public enum HalogCompat {
    /// `-st`: `status count`, ascending by status as an unsigned 32-bit key (halog's tree order, so a
    /// status of -1 comes last).
    public static func statusCounts(_ a: Aggregator) -> String {
        var rows: [(Int, Int)] = []
        for code in 0..<600 where a.statusCounts[code] > 0 { rows.append((code, a.statusCounts[code])) }
        rows.sort { UInt32(truncatingIfNeeded: $0.0) < UInt32(truncatingIfNeeded: $1.0) }
        return rows.map { "\($0.0) \($0.1)\n" }.joined()
    }

    /// `-tc`: the first two termination characters and their count, in key order.
    public static func terminationCounts(_ a: Aggregator) -> String {
        var out = ""
        for key in 0..<65536 where a.terminationCounts[key] > 0 {
            let c1 = Character(Unicode.Scalar(UInt8(key >> 8)))
            let c2 = Character(Unicode.Scalar(UInt8(key & 0xFF)))
            out += "\(TerminalSafe.escape("\(c1)\(c2)")) \(a.terminationCounts[key])\n"
        }
        return out
    }

    /// `-srv`: per `backend/server`, status classes, totals, share of complete lines, mean Tc and Tr.
    public static func servers(_ a: Aggregator) -> String {
        var out = "#srv_name 1xx 2xx 3xx 4xx 5xx other tot_req req_ok pct_ok avg_ct avg_rt\n"
        let names = a.servers.names
        for id in names.indices.sorted(by: { Array(names[$0].utf8).lexicographicallyPrecedes(Array(names[$1].utf8)) }) {
            let s = a.serverStats[id]
            let classes = s.statusClasses
            let total = classes.reduce(0, +)
            let pct = Double(s.completeLines) * 100.0 / Double(total == 0 ? 1 : total)
            let avgConnect = s.connectSum / max(1, s.connectCount)
            let avgResponse = s.responseSum / max(1, s.responseCount)
            out += "\(TerminalSafe.escape(names[id])) \(classes[1]) \(classes[2]) \(classes[3]) \(classes[4]) \(classes[5]) \(classes[0]) "
            out += "\(total) \(s.completeLines) \(String(format: "%.1f", pct)) \(avgConnect) \(avgResponse)\n"
        }
        return out
    }

    /// halog's 72 `-pct` steps, in tenths of a percent.
    public static var percentileSteps: [Int] {
        var steps: [Int] = []
        var step = 1
        while step <= 1000 {
            steps.append(step)
            if step >= 100 && step < 900 { step += 50 } else if step >= 20 && step < 980 { step += 10 } else { step += 1 }
        }
        return steps
    }

    /// `-pct`: `pct rank TR Tc Tr Td` over HTTP lines with no -1 timer. Values are exact for timers
    /// below 2048 ms (3 significant digits above).
    public static func percentiles(_ a: Aggregator) -> String {
        let n = a.halogTimers[0].count
        guard n > 0 else { return "" }
        var out = ""
        for step in percentileSteps {
            let threshold = UInt32(truncatingIfNeeded: Int(Double(n) * (Double(step) / 1000.0)))
            out += "\(String(format: "%3.1f", Double(step) / 10.0)) \(threshold) "
            for timer in 0..<3 { out += "\(a.halogTimers[timer].halogValue(step: step) ?? 0) " }
            out += "\(dataTime(a, threshold: Int(threshold))) \n"
        }
        return out
    }

    /// Td in halog's tree order: non-negative values ascending, then negative ones as unsigned keys.
    static func dataTime(_ a: Aggregator, threshold: Int) -> Int {
        let positive = a.halogTimers[3]
        if positive.count > 0 && threshold <= positive.count {
            return max(lowValue(positive, rank: threshold), positive.minimum)
        }
        var cumulative = positive.count
        let negatives = a.halogNegativeDataTimes.keys.sorted { UInt32(truncatingIfNeeded: $0) < UInt32(truncatingIfNeeded: $1) }
        for v in negatives {
            cumulative += a.halogNegativeDataTimes[v]!
            if cumulative >= threshold { return v }
        }
        return negatives.last ?? positive.maximum
    }

    static func lowValue(_ h: LogHistogram, rank: Int) -> Int {
        var cumulative = 0
        for i in 0..<h.counts.count where h.counts[i] != 0 {
            cumulative += Int(h.counts[i])
            if cumulative >= rank { return LogHistogram.range(of: i, precisionBits: h.precisionBits).low }
        }
        return h.maximum
    }
}
