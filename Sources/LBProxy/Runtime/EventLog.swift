#if canImport(Glibc)
import Glibc
#endif
import LBLog

/// Process events of one running lb (server state changes, warnings): sent to the global log targets
/// when the configuration has some, and always written to standard error with their level in brackets.
final class EventLog: Sendable {
    private let sink: PipelineAccessLog?

    init(sink: PipelineAccessLog?) { self.sink = sink }

    func emergency(_ message: String) { write("EMERG", .emerg, message) }
    func alert(_ message: String) { write("ALERT", .alert, message) }
    func warning(_ message: String) { write("WARNING", .warning, message) }
    func notice(_ message: String) { write("NOTICE", .notice, message) }

    private func write(_ level: String, _ syslogLevel: SyslogLevel, _ message: String) {
        sink?.event(message, level: syslogLevel)
        var line = "[\(level)] \(message)\n"
        line.withUTF8 { bytes in _ = Glibc.write(2, bytes.baseAddress, bytes.count) }
    }
}
