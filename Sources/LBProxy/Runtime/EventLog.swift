#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Process events (server state changes, warnings) written to standard error until the syslog sinks of
/// the logging work carry them. Each line starts with its syslog level in brackets.
enum EventLog {
    static func emergency(_ message: String) { write("EMERG", message) }
    static func alert(_ message: String) { write("ALERT", message) }
    static func warning(_ message: String) { write("WARNING", message) }
    static func notice(_ message: String) { write("NOTICE", message) }

    private static func write(_ level: String, _ message: String) {
        var line = "[\(level)] \(message)\n"
        line.withUTF8 { bytes in _ = Glibc.write(2, bytes.baseAddress, bytes.count) }
    }
}
