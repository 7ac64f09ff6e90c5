/// Calendar fields of a Unix time, computed with integer arithmetic only (days-to-civil algorithm of
/// Howard Hinnant), so formatting a log date needs neither Foundation nor `localtime` per record.
struct CivilTime: Sendable, Equatable {
    var year: Int
    var month: Int  // 1...12
    var day: Int  // 1...31
    var hour: Int
    var minute: Int
    var second: Int

    /// `seconds` since the epoch, shifted by `utcOffsetSeconds` (local time) first.
    init(epochSeconds seconds: Int64, utcOffsetSeconds: Int = 0) {
        let local = seconds + Int64(utcOffsetSeconds)
        var days = local / 86_400
        var secondOfDay = local % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        hour = Int(secondOfDay / 3600)
        minute = Int(secondOfDay % 3600 / 60)
        second = Int(secondOfDay % 60)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        year = Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0))
    }

    static let monthNames: [StaticString] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}

/// Floor division of milliseconds into seconds and the millisecond remainder (correct before 1970 too).
@inline(__always)
func splitMilliseconds(_ milliseconds: Int64) -> (seconds: Int64, milliseconds: Int) {
    var seconds = milliseconds / 1000
    var rest = milliseconds % 1000
    if rest < 0 {
        rest += 1000
        seconds -= 1
    }
    return (seconds, Int(rest))
}

extension Array where Element == UInt8 {
    /// `dd/Mmm/yyyy:HH:MM:SS` (HAProxy's log date without the fraction).
    mutating func appendHAProxyDate(_ time: CivilTime) {
        appendPadded(time.day, width: 2)
        append(0x2F)
        appendASCII(CivilTime.monthNames[time.month - 1])
        append(0x2F)
        appendPadded(time.year, width: 4)
        append(0x3A)
        appendClock(time)
    }

    /// `HH:MM:SS`
    mutating func appendClock(_ time: CivilTime) {
        appendPadded(time.hour, width: 2)
        append(0x3A)
        appendPadded(time.minute, width: 2)
        append(0x3A)
        appendPadded(time.second, width: 2)
    }

    /// `Mmm dd HH:MM:SS` with the day padded by a space (RFC 3164 timestamp).
    mutating func appendSyslogDate(_ time: CivilTime) {
        appendASCII(CivilTime.monthNames[time.month - 1])
        append(0x20)
        if time.day < 10 { append(0x20) }
        appendDecimal(time.day)
        append(0x20)
        appendClock(time)
    }

    /// `yyyy-mm-ddTHH:MM:SS`
    mutating func appendISODate(_ time: CivilTime) {
        appendPadded(time.year, width: 4)
        append(0x2D)
        appendPadded(time.month, width: 2)
        append(0x2D)
        appendPadded(time.day, width: 2)
        append(0x54)
        appendClock(time)
    }

    /// `+hhmm` (CLF) or `+hh:mm` (ISO 8601) for an offset in seconds.
    mutating func appendUTCOffset(_ offset: Int, colon: Bool) {
        append(offset < 0 ? 0x2D : 0x2B)
        let minutes = abs(offset) / 60
        appendPadded(minutes / 60, width: 2)
        if colon { append(0x3A) }
        appendPadded(minutes % 60, width: 2)
    }
}

/// The last formatted `dd/Mmm/yyyy:HH:MM:SS` and its key: records of the same second (the common case
/// under load) copy 20 cached bytes instead of recomputing the calendar. Owned by one formatting context.
struct LogDateCache: Sendable {
    private var second: Int64 = .min
    private var offset = 0
    private var bytes: [UInt8] = []

    mutating func appendHAProxyDate(epochSeconds: Int64, utcOffsetSeconds: Int, into output: inout [UInt8]) {
        if epochSeconds != second || utcOffsetSeconds != offset || bytes.isEmpty {
            second = epochSeconds
            offset = utcOffsetSeconds
            bytes.removeAll(keepingCapacity: true)
            bytes.appendHAProxyDate(CivilTime(epochSeconds: epochSeconds, utcOffsetSeconds: utcOffsetSeconds))
        }
        output.append(contentsOf: bytes)
    }
}
