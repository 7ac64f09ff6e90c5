/// Calendar arithmetic for log dates, without Foundation: HAProxy prints local wall time with no offset,
/// so dates are kept as "milliseconds since the epoch, as if that wall time were UTC". Comparisons and
/// intervals work; converting to a true instant needs the writer's UTC offset, which the line does not say.
public enum LogDate {
    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    @inlinable
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// (year, month, day) of a day count since 1970-01-01.
    public static func civil(days z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Month number (1...12) of a three-letter English abbreviation, or 0.
    @inlinable
    public static func month(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int {
        switch (a | 0x20, b | 0x20, c | 0x20) {
        case (0x6A, 0x61, 0x6E): return 1  // jan
        case (0x66, 0x65, 0x62): return 2  // feb
        case (0x6D, 0x61, 0x72): return 3  // mar
        case (0x61, 0x70, 0x72): return 4  // apr
        case (0x6D, 0x61, 0x79): return 5  // may
        case (0x6A, 0x75, 0x6E): return 6  // jun
        case (0x6A, 0x75, 0x6C): return 7  // jul
        case (0x61, 0x75, 0x67): return 8  // aug
        case (0x73, 0x65, 0x70): return 9  // sep
        case (0x6F, 0x63, 0x74): return 10  // oct
        case (0x6E, 0x6F, 0x76): return 11  // nov
        case (0x64, 0x65, 0x63): return 12  // dec
        default: return 0
        }
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `2026-11-25 02:40:29.039` (ISO-like, for reports).
    public static func format(milliseconds: Int64, withMilliseconds: Bool = true) -> String {
        let ms = Int(milliseconds)
        let dayCount = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let inDay = ms - dayCount * 86_400_000
        let (y, m, d) = civil(days: dayCount)
        let h = inDay / 3_600_000, mi = inDay / 60_000 % 60, s = inDay / 1000 % 60, milli = inDay % 1000
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var text = "\(y)-\(two(m))-\(two(d)) \(two(h)):\(two(mi)):\(two(s))"
        if withMilliseconds { text += "." + (milli < 10 ? "00\(milli)" : milli < 100 ? "0\(milli)" : "\(milli)") }
        return text
    }

    /// HAProxy's `dd/Mmm/yyyy:HH:MM:SS[.mmm]` (brackets excluded); nil if malformed.
    public static func parseHAProxy(_ p: UnsafePointer<UInt8>, count: Int) -> Int64? {
        guard count >= 20, p[2] == UInt8(ascii: "/"), p[6] == UInt8(ascii: "/"), p[11] == UInt8(ascii: ":"),
              p[14] == UInt8(ascii: ":"), p[17] == UInt8(ascii: ":")
        else { return nil }
        guard let day = digits(p, 0, 2), let year = digits(p, 7, 4), let hour = digits(p, 12, 2),
              let minute = digits(p, 15, 2), let second = digits(p, 18, 2)
        else { return nil }
        let mon = month(p[3], p[4], p[5])
        guard mon != 0 else { return nil }
        var millis = 0
        if count >= 24, p[20] == UInt8(ascii: "."), let m = digits(p, 21, 3) { millis = m }
        let d = days(year: year, month: mon, day: day)
        return Int64(((d * 24 + hour) * 60 + minute) * 60 + second) * 1000 + Int64(millis)
    }

    /// ISO 8601 `yyyy-mm-ddTHH:MM:SS[.fff][Z|±hh:mm]`; the offset, when present and `applyOffset`, is
    /// subtracted (true UTC); otherwise the wall-clock time is kept, like HAProxy's dates.
    public static func parseISO(_ p: UnsafePointer<UInt8>, count: Int, applyOffset: Bool = true) -> Int64? {
        guard count >= 19, p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-"),
              p[10] == UInt8(ascii: "T") || p[10] == UInt8(ascii: " "), p[13] == UInt8(ascii: ":"),
              p[16] == UInt8(ascii: ":")
        else { return nil }
        guard let year = digits(p, 0, 4), let mon = digits(p, 5, 2), let day = digits(p, 8, 2),
              let hour = digits(p, 11, 2), let minute = digits(p, 14, 2), let second = digits(p, 17, 2)
        else { return nil }
        var i = 19
        var millis = 0
        if i < count, p[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 100
            while i < count, p[i] >= 48, p[i] <= 57 {
                millis += Int(p[i] - 48) * scale
                scale /= 10
                i += 1
            }
        }
        var offset = 0
        if applyOffset, i < count, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-"), count - i >= 6,
           let oh = digits(p, i + 1, 2), let om = digits(p, i + 4, 2) {
            offset = (oh * 60 + om) * 60_000 * (p[i] == UInt8(ascii: "-") ? -1 : 1)
        }
        let d = days(year: year, month: mon, day: day)
        return Int64(((d * 24 + hour) * 60 + minute) * 60 + second) * 1000 + Int64(millis - offset)
    }

    @inlinable
    static func digits(_ p: UnsafePointer<UInt8>, _ at: Int, _ n: Int) -> Int? {
        var v = 0
        for i in at..<(at + n) {
            let c = p[i] &- 48
            if c > 9 { return nil }
            v = v * 10 + Int(c)
        }
        return v
    }
}
