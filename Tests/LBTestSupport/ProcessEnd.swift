import Foundation

/// Whether a process that is not the caller's child has ended, from /proc: such a process cannot be
/// waited for, and once it ends it stays a zombie until whoever adopted it reaps it (PID 1 for an
/// orphan, which on a loaded machine may take many seconds).
public enum ProcessEnd {
    /// The process is gone, or is a zombie whose threads have all ended (a thread-group leader that
    /// ended before its other threads shows as a zombie too, while the process still runs).
    public static func hasEnded(_ pid: Int32) -> Bool {
        guard let state = state(pid) else { return true }
        if state == "X" { return true }
        let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task"))?.count ?? 0
        return state == "Z" && threads <= 1
    }

    /// The state letter of /proc/PID/stat (R, S, D, Z…), nil when there is no such process.
    public static func state(_ pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ").first.map(String.init)
    }

    /// The state and what the process waits in, for a failure message.
    public static func describe(_ pid: Int32) -> String {
        guard let state = state(pid) else { return "gone" }
        let wchan = (try? String(contentsOfFile: "/proc/\(pid)/wchan", encoding: .utf8)) ?? "?"
        return "in state \(state), waiting in \(wchan)"
    }
}
