import Foundation
#if canImport(Glibc)
import Glibc
import LBShared
#endif

/// Starts another copy of the running lb executable, without `fork()`.
///
/// Forking a Swift process is unsafe once the runtime and Dispatch have threads: the child keeps only the
/// forking thread, with locks possibly held by the others. So daemon mode and the master process start a
/// fresh copy with `posix_spawn` of the same executable instead, handing it exactly the descriptors it is
/// meant to have and a pipe on which it reports that it is serving (`ReadyPipe`).
enum SelfSpawn {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// glibc's POSIX_SPAWN_SETSID (since 2.26): the copy starts in a session of its own, away from the
    /// terminal's signals. Swift's Glibc module leaves it out (it is declared only under _GNU_SOURCE).
    private static let spawnNewSession: Int16 = 0x80

    /// The file this process runs, resolved so that the copy's process name is lb's, not "exe".
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "/proc/self/exe"
    }

    /// Starts the copy with `arguments` (argv[0] included) and `environment`. It inherits the standard
    /// streams and the descriptors in `kept`, nothing else: every other descriptor of this process is
    /// marked close-on-exec first, so a pipe or socket of whoever started lb, or of an earlier copy, does
    /// not stay open in the new one. `devNullInput` gives it /dev/null as standard input; `newSession`
    /// detaches it from the terminal.
    static func spawn(arguments: [String], environment: [String: String], keeping kept: Set<Int32>,
                      devNullInput: Bool = false, newSession: Bool = false) throws -> pid_t {
        closeOnSpawn(except: kept)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if devNullInput { posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0) }
        // The copy starts with the default signal dispositions and an empty mask, whatever this process
        // ignores or blocks (the master ignores the signals it handles through Dispatch).
        do {
            return try CleanSpawn.spawn(executable, arguments: arguments, environment: environment, actions: &actions,
                                        flags: newSession ? Self.spawnNewSession : 0)
        } catch {
            throw Failure(description: "cannot start lb again: \(error.reason)")
        }
    }

    /// Marks every open descriptor above the standard streams close-on-exec, except `kept`.
    private static func closeOnSpawn(except kept: Set<Int32>) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for descriptor in names.compactMap({ Int32($0) }) where descriptor > 2 {
            let flags = fcntl(descriptor, F_GETFD)
            guard flags >= 0 else { continue }
            if kept.contains(descriptor) {
                _ = fcntl(descriptor, F_SETFD, flags & ~FD_CLOEXEC)
            } else {
                _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC)
            }
        }
    }

    /// The exit status to report for a child that ended with `status` (from waitpid): its own when it
    /// exited (at least 1, since it ended before it should have), 1 when a signal killed it.
    static func failureStatus(_ status: Int32) -> Int32 {
        status & 0x7f == 0 ? max(1, (status >> 8) & 0xff) : 1
    }
}
