#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Facts about the running process that change how some keywords apply.
enum Platform {
    /// `user`, `group`, `uid`, `gid` and `chroot` only apply when lb starts as root.
    static var isRoot: Bool { getuid() == 0 }
}
