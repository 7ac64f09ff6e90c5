/// Options of a `file@PATH` log target, written as `key=value` words right after the target:
///
///     log file@/var/log/lb/access.log.gz rotate-size=100m rotate-age=1d keep=14 level=1 flush-interval=1s flush-size=64k local0
///
/// - `rotate-size=N[k|m|g]`: rotate once the compressed file reaches N bytes (default 100m; 0 = never).
/// - `rotate-age=N[s|m|h|d]`: rotate a file that has been open that long (default 1d; 0 = never).
/// - `keep=N`: rotated files kept; older ones are deleted (default 14; 0 = keep all).
/// - `level=1..9`: gzip compression level (default 1: log lines are repetitive enough that level 1 costs
///   about 17% more bytes than level 6, and lb served 6% more requests/s with it in `bench/logging.sh`).
/// - `flush-interval=N[ms|s]`: write a gzip member at least this often while records wait (default 1s).
/// - `flush-size=N[k|m]`: write a member as soon as this many uncompressed bytes wait (default 64k).
///
/// The active file is PATH itself; a rotated file is renamed to `PATH-without-.gz.YYYYMMDDTHHMMSSZ.gz`
/// (UTC, the time of the rotation), so names sort by time and `lblog` reads a set in order.
public struct FileSinkOptions: Sendable, Equatable {
    public var rotateSize: Int64 = 100 << 20
    public var rotateAgeSeconds: Int64 = 86_400
    public var keep = 14
    public var level: Int32 = 1
    public var flushIntervalMilliseconds: Int64 = 1000
    public var flushSize = 64 << 10

    public init() {}

    /// Parses the `key=value` options; unknown keys and bad values are errors naming the key.
    public init(_ options: [String: String]) throws(LogPipelineError) {
        self.init()
        for (key, value) in options.sorted(by: { $0.key < $1.key }) {
            func fail(_ expected: String) -> LogPipelineError {
                LogPipelineError(message: "file@ option \(key)=\(value): expected \(expected)")
            }
            switch key {
            case "rotate-size":
                guard let bytes = Self.size(value) else { throw fail("a size such as 100m") }
                rotateSize = bytes
            case "rotate-age":
                guard let milliseconds = Self.duration(value, defaultUnit: 1000) else { throw fail("a duration such as 1d or 6h") }
                rotateAgeSeconds = milliseconds / 1000
            case "keep":
                guard let count = Int(value), count >= 0 else { throw fail("a count of files") }
                keep = count
            case "level":
                guard let number = Int32(value), (1...9).contains(number) else { throw fail("a gzip level 1..9") }
                level = number
            case "flush-interval":
                guard let milliseconds = Self.duration(value, defaultUnit: 1), milliseconds > 0 else {
                    throw fail("a duration such as 1s or 500ms")
                }
                flushIntervalMilliseconds = milliseconds
            case "flush-size":
                guard let bytes = Self.size(value), bytes > 0, bytes <= 64 << 20 else { throw fail("a size such as 64k (at most 64m)") }
                flushSize = Int(bytes)
            default:
                throw LogPipelineError(message: "unknown file@ option '\(key)' (expected rotate-size, rotate-age, keep, level, flush-interval, flush-size)")
            }
        }
    }

    static func size(_ text: String) -> Int64? {
        let multipliers: [Character: Int64] = ["k": 1 << 10, "m": 1 << 20, "g": 1 << 30]
        if let last = text.last?.lowercased().first, let multiplier = multipliers[last] {
            return Int64(text.dropLast()).flatMap { $0 >= 0 ? $0 * multiplier : nil }
        }
        return Int64(text).flatMap { $0 >= 0 ? $0 : nil }
    }

    /// Milliseconds; a bare number is in `defaultUnit` milliseconds.
    static func duration(_ text: String, defaultUnit: Int64) -> Int64? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (suffix, unit) in units where text.hasSuffix(suffix) {
            return Int64(text.dropLast(suffix.count)).flatMap { $0 >= 0 ? $0 * unit : nil }
        }
        return Int64(text).flatMap { $0 >= 0 ? $0 * defaultUnit : nil }
    }
}
