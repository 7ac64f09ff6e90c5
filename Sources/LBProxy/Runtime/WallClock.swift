#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// Wall-clock milliseconds derived from the monotonic clock and one reading of the real clock at start,
/// so a request costs one `clock_gettime(CLOCK_MONOTONIC)` and never a calendar call (hot-path rule).
struct WallClock: Sendable {
    private let wallAtStart: Int64
    private let monotonicAtStart: UInt64
    /// Local time offset from UTC at start, for log dates printed in local time.
    let utcOffsetSeconds: Int

    init() {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        wallAtStart = Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec / 1_000_000)
        monotonicAtStart = NIODeadline.now().uptimeNanoseconds
        var seconds = time_t(now.tv_sec)
        var local = tm()
        localtime_r(&seconds, &local)
        utcOffsetSeconds = Int(local.tm_gmtoff)
    }

    /// Milliseconds since the Unix epoch at monotonic instant `uptimeNanoseconds`.
    func milliseconds(at uptimeNanoseconds: UInt64) -> Int64 {
        wallAtStart + Int64(bitPattern: uptimeNanoseconds &- monotonicAtStart) / 1_000_000
    }

    /// Whole seconds since the Unix epoch at monotonic instant `uptimeNanoseconds`.
    func unixSeconds(at uptimeNanoseconds: UInt64) -> Int {
        Int(milliseconds(at: uptimeNanoseconds) / 1000)
    }
}

/// Monotonic now in nanoseconds.
@inline(__always)
func monotonicNow() -> UInt64 { NIODeadline.now().uptimeNanoseconds }
