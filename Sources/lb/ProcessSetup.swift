import Foundation
#if canImport(Glibc)
import CMainThreadCredentials
import Glibc
#endif

/// What lb does to the process before serving: file-descriptor limit, pid file, and the
/// root-only `chroot`/`user`/`group` settings.
enum ProcessSetup {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Raises RLIMIT_NOFILE so that `maxconn` connections (each needing a client and a server socket) fit.
    /// Returns a warning when the limit cannot be raised enough.
    static func raiseFileLimit(maxConnections: Int, explicit: Int?) -> String? {
        let needed = rlim_t(explicit ?? (maxConnections * 2 + 64))
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        if limit.rlim_cur >= needed { return nil }
        var wanted = limit
        wanted.rlim_cur = min(needed, limit.rlim_max)
        if getuid() == 0 && limit.rlim_max < needed {
            wanted.rlim_max = needed
            wanted.rlim_cur = needed
        }
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &wanted) != 0 {
            wanted = limit
            wanted.rlim_cur = min(needed, limit.rlim_max)
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &wanted)
        }
        var now = rlimit()
        _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &now)
        if now.rlim_cur < needed {
            return "cannot raise the file-descriptor limit to \(needed) (needed for maxconn \(maxConnections)); it is \(now.rlim_cur) (hard limit \(now.rlim_max)). Lower maxconn, set 'ulimit-n', or raise the hard limit (ulimit -Hn) before starting lb."
        }
        return nil
    }

    static func writePidFile(_ path: String) throws {
        do {
            try "\(getpid())\n".write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw Failure(description: "pidfile: cannot write '\(path)': \(error.localizedDescription)")
        }
    }

    /// Applies `chroot`, then `group` and `user`, when running as root (otherwise the config check warned).
    static func dropPrivileges(chrootPath: String?, user: String?, group: String?) throws {
        guard getuid() == 0 else { return }
        var groupID: gid_t?
        if let group {
            guard let entry = getgrnam(group) else { throw Failure(description: "group '\(group)' does not exist") }
            groupID = entry.pointee.gr_gid
        }
        var userID: uid_t?
        if let user {
            guard let entry = getpwnam(user) else { throw Failure(description: "user '\(user)' does not exist") }
            userID = entry.pointee.pw_uid
            if groupID == nil { groupID = entry.pointee.pw_gid }
        }
        if let chrootPath {
            guard chroot(chrootPath) == 0, chdir("/") == 0 else {
                throw Failure(description: "chroot '\(chrootPath)': \(String(cString: strerror(errno)))")
            }
        }
        #if canImport(Glibc)
        if userID != nil || groupID != nil {
            let result = lb_switch_main_thread_credentials(userID == nil ? 0 : 1, userID ?? 0, groupID == nil ? 0 : 1,
                                                           groupID ?? 0, 2000)
            guard result >= 0 else {
                throw Failure(description: "cannot switch the main thread to user \(userID.map(String.init) ?? "-") group \(groupID.map(String.init) ?? "-"): \(String(cString: strerror(-result)))")
            }
        }
        #endif
        if let groupID {
            guard setgroups(0, nil) == 0, setgid(groupID) == 0 else {
                throw Failure(description: "cannot switch to group \(groupID): \(String(cString: strerror(errno)))")
            }
        }
        if let userID {
            guard setuid(userID) == 0 else {
                throw Failure(description: "cannot switch to user \(userID): \(String(cString: strerror(errno)))")
            }
        }
    }
}
