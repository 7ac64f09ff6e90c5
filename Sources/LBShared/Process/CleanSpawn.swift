#if canImport(Glibc)
import Glibc

/// posix_spawn(3) as lb starts programs (a copy of itself; in tests, every tool): the child begins with
/// the default signal dispositions and an empty signal mask, whatever the calling thread ignores or
/// blocks, and with its own copies of its arguments and environment. Which descriptors it gets is the
/// caller's `actions`.
public enum CleanSpawn {
    /// The errno posix_spawn returned.
    public struct Failure: Error {
        public let code: Int32
        public var reason: String { String(cString: strerror(code)) }
    }

    /// Starts `path` with `arguments` (argv[0] included) and `environment`. `flags` adds to
    /// POSIX_SPAWN_SETSIGDEF and POSIX_SPAWN_SETSIGMASK (POSIX_SPAWN_SETPGROUP: a process group of its
    /// own; glibc's POSIX_SPAWN_SETSID, 0x80: a session of its own).
    public static func spawn(_ path: String, arguments: [String], environment: [String: String],
                             actions: inout posix_spawn_file_actions_t, flags: Int16 = 0) throws(Failure) -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t(), empty = sigset_t()
        sigfillset(&defaults)
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK) | flags)

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, path, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw Failure(code: spawned) }
        return child
    }
}
#endif
