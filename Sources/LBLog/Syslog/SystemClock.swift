#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall-clock reads without Foundation: one `clock_gettime` (a vDSO call on Linux) per message, and
/// the local UTC offset from `localtime_r` at most once per second.
enum SystemClock {
    static func microseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec / 1000)
    }

    static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    /// The machine's host name (`%H` when no `log-send-hostname` name is configured).
    static let hostname: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    static func utcOffsetSeconds(atEpochSeconds seconds: Int64) -> Int {
        var time = time_t(seconds)
        var local = tm()
        localtime_r(&time, &local)
        return Int(local.tm_gmtoff)
    }
}

/// The local offset of the current second, recomputed when the second changes (DST moves).
struct UTCOffsetCache {
    private var second: Int64 = .min
    private var offset = 0

    mutating func offset(atMicroseconds microseconds: Int64) -> Int {
        let seconds = microseconds / 1_000_000
        if seconds != second {
            second = seconds
            offset = SystemClock.utcOffsetSeconds(atEpochSeconds: seconds)
        }
        return offset
    }
}
