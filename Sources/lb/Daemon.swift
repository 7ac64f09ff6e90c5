import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Daemon mode (`-D` or the global `daemon`), without `fork()`.
///
/// The usual way, fork and carry on in the child, is unsafe here: by the time the configuration is read,
/// the Swift runtime and Dispatch have threads, and a forked child keeps only the thread that forked, with
/// locks possibly held by the others. So lb starts a fresh copy of itself instead (`posix_spawn`, in a
/// new session, standard input from /dev/null) and waits: the copy reads the configuration, binds its
/// listeners, then reports on a pipe that it is up and lets go of the terminal. The first process exits 0
/// then, or with the copy's status if it failed, so an init script learns about a bad start, which a plain
/// fork-and-exit cannot tell it. Until it is up, the copy prints its errors on the same terminal.
enum Daemon {
    /// Names the pipe descriptor a daemon copy reports readiness on; set only in that copy's environment.
    static let readyVariable = "LB_DAEMON_READY_FD"

    /// glibc's POSIX_SPAWN_SETSID (since 2.26): the copy starts in a session of its own, away from the
    /// terminal's signals. Swift's Glibc module leaves it out (it is declared only under _GNU_SOURCE).
    private static let spawnNewSession: Int16 = 0x80

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// True in the copy started by `detach`: it must not detach again, and it reports when it is up.
    static var isDetachedCopy: Bool { ProcessInfo.processInfo.environment[readyVariable] != nil }

    /// Starts the detached copy of lb with the same arguments and waits until it is serving; returns the
    /// status this process should exit with. The copy inherits the standard streams and `inherited` (the
    /// `fd@N` listening sockets), nothing else: a stray descriptor of whoever started lb (a pipe or the
    /// socket a supervisor watches to learn that its child exited) would otherwise stay open for the
    /// daemon's whole life.
    static func detach(keeping inherited: Set<Int32>) throws -> Int32 {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw Failure(description: "daemon: pipe: \(String(cString: strerror(errno)))") }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        closeOnSpawn(except: inherited.union([writeEnd]))
        defer { close(readEnd) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Self.spawnNewSession)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)

        // The file this process runs, resolved so that the copy's process name is lb's, not "exe".
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "/proc/self/exe"
        var environment = ProcessInfo.processInfo.environment
        environment[readyVariable] = String(writeEnd)
        let argv = CommandLine.arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        close(writeEnd)
        guard spawned == 0 else { throw Failure(description: "daemon: cannot start lb again: \(String(cString: strerror(spawned)))") }

        // One byte means "serving"; the end of the pipe without it means the copy exited (or closed it).
        var byte: UInt8 = 0
        var count: Int
        repeat { count = read(readEnd, &byte, 1) } while count < 0 && errno == EINTR
        if count == 1 { return 0 }
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        // Exited normally: its status (1 for a configuration or bind error); killed: failure.
        let exited = status & 0x7f == 0
        return exited ? max(1, (status >> 8) & 0xff) : 1
    }

    /// Marks every open descriptor above the standard streams close-on-exec, except `kept`. This process
    /// exits right after the spawn, so the flags change nothing for it.
    private static func closeOnSpawn(except kept: Set<Int32>) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for descriptor in names.compactMap({ Int32($0) }) where descriptor > 2 && !kept.contains(descriptor) {
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    /// In the detached copy, once every listener is bound: tells the waiting process, then leaves the
    /// terminal (standard output and error go to /dev/null, as HAProxy's daemon does).
    static func reportReady() {
        guard let text = ProcessInfo.processInfo.environment[readyVariable], let descriptor = Int32(text) else { return }
        var byte: UInt8 = 1
        _ = write(descriptor, &byte, 1)
        close(descriptor)
        unsetenv(readyVariable)
        let null = open("/dev/null", O_RDWR)
        guard null >= 0 else { return }
        dup2(null, 1)
        dup2(null, 2)
        if null > 2 { close(null) }
    }
}
