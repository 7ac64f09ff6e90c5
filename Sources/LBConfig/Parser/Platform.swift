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

    /// gethostname(2): haproxy's default local peer name, with no name service lookup.
    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
