#if canImport(Glibc)
import Glibc
#endif
import LBLog
import Synchronization

/// Process events (server state changes, warnings): sent to the global log targets when the
/// configuration has some, and always written to standard error with their level in brackets.
enum EventLog {
    static func emergency(_ message: String) { write("EMERG", .emerg, message) }
    static func alert(_ message: String) { write("ALERT", .alert, message) }
    static func warning(_ message: String) { write("WARNING", .warning, message) }
    static func notice(_ message: String) { write("NOTICE", .notice, message) }

    /// Where events go besides standard error (set once at start when logging is configured).
    private static let sink = Mutex<PipelineAccessLog?>(nil)

    static func route(to log: PipelineAccessLog?) { sink.withLock { $0 = log } }

    private static func write(_ level: String, _ syslogLevel: SyslogLevel, _ message: String) {
        sink.withLock { $0 }?.event(message, level: syslogLevel)
        var line = "[\(level)] \(message)\n"
        line.withUTF8 { bytes in _ = Glibc.write(2, bytes.baseAddress, bytes.count) }
    }
}
