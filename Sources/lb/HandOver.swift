import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The moment a new lb may start accepting on listening sockets it shares with the process it replaces
/// (a master's previous worker, or the lb `-x` took them from): once that process no longer holds them.
/// Until then only the previous process accepts, and connections that arrive wait in the queue.
enum HandOver {
    /// Names the previous worker's pid in the environment of a worker a master starts on reload.
    static let previousVariable = "LB_PREVIOUS_WORKER"

    /// The previous worker, in a worker started by a reload.
    static var previousWorker: pid_t? {
        ProcessInfo.processInfo.environment[previousVariable].flatMap { pid_t($0) }
    }

    /// Waits until none of `pids` holds any of `descriptors`' sockets (each process's descriptors are
    /// read from /proc), or `seconds` pass: a process stuck before closing its listeners must not keep
    /// this one from serving. The sockets are the same open files in both processes, so the socket
    /// inode names them.
    static func waitUntilReleased(_ descriptors: [Int32], by pids: [pid_t], within seconds: Double) {
        let inodes = Set(descriptors.compactMap { descriptor -> String? in
            var status = stat()
            guard fstat(descriptor, &status) == 0 else { return nil }
            return "socket:[\(status.st_ino)]"
        })
        guard !inodes.isEmpty, !pids.isEmpty else { return }
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline && pids.contains(where: { holds($0, inodes) }) {
            usleep(2_000)
        }
    }

    private static func holds(_ pid: pid_t, _ inodes: Set<String>) -> Bool {
        let directory = "/proc/\(pid)/fd"
        // A process gone (or a zombie, whose descriptor table is empty) holds nothing.
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return false }
        return names.contains { name in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\(name)")).map(inodes.contains) ?? false
        }
    }
}
