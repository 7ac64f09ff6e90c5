import LBLog

/// `--since`/`--until` values: an absolute date in the logs' own wall-clock time
/// (`2026-11-25 02:40`, `2026-11-25T02:40:29`, `25/Nov/2026:02:40:29`, `02:40` today) or a duration
/// back from now (`1h`, `-30m`, `2d`). `nowWallClock` is the current local time as epoch-style
/// milliseconds (the frame log dates are read in).
public enum TimeBound {
    public static func parse(_ text: String, nowWallClock: Int64) throws -> Int64 {
        var t = text.trimmingSpaces
        if t.hasPrefix("-") { t.removeFirst() }
        if let back = DurationText.milliseconds(t), t.last?.isLetter == true { return nowWallClock - back }
        var bytes = Array(t.utf8)
        let parsed: Int64? = bytes.withUnsafeMutableBufferPointer { buffer -> Int64? in
            guard let base = buffer.baseAddress, buffer.count > 0 else { return nil }
            let p = UnsafePointer(base)
            if buffer.count >= 19, let iso = LogDate.parseISO(p, count: buffer.count, applyOffset: false) { return iso }
            if let haproxy = LogDate.parseHAProxy(p, count: buffer.count) { return haproxy }
            return nil
        }
        if let parsed { return parsed }
        // Shorter forms: "yyyy-mm-dd", "yyyy-mm-dd HH:MM", "HH:MM[:SS]" (today).
        let parts = t.split(whereSeparator: { $0 == " " || $0 == "T" }).map(String.init)
        var day = nowWallClock >= 0 ? nowWallClock / 86_400_000 : (nowWallClock - 86_399_999) / 86_400_000
        var clock = "00:00:00"
        for part in parts {
            let dateParts = part.split(separator: "-").compactMap { Int($0) }
            if dateParts.count == 3, part.contains("-") {
                day = Int64(LogDate.days(year: dateParts[0], month: dateParts[1], day: dateParts[2]))
            } else if part.contains(":") {
                clock = part
            } else {
                throw ReportOptionError.badArgument("'\(text)' is not a date (2026-11-25 02:40[:00]), a time (02:40) or a duration back from now (1h)")
            }
        }
        let hms = clock.split(separator: ":").map { Int($0) }
        guard hms.count >= 2, hms.count <= 3, hms.allSatisfy({ $0 != nil }) else {
            throw ReportOptionError.badArgument("'\(text)': malformed time of day")
        }
        let seconds = hms[0]! * 3600 + hms[1]! * 60 + (hms.count == 3 ? hms[2]! : 0)
        bytes.removeAll()
        return day * 86_400_000 + Int64(seconds) * 1000
    }
}
