import Foundation
import LBConfig
#if canImport(Glibc)
import Glibc
#endif

/// systemd socket activation (`sd_listen_fds(3)`): the service manager opens the listening sockets and
/// starts lb with them as descriptors 3, 4, ..., announced by `LISTEN_FDS` (their count) and `LISTEN_PID`
/// (the process they are meant for). A configuration takes them with `bind fd@3` or `stats socket fd@4`,
/// in the order the socket unit lists them. See docs/systemd.md.
struct SocketActivation {
    /// The first descriptor systemd passes.
    static let firstDescriptor: Int32 = 3

    /// The descriptors passed to this process; empty without activation.
    let descriptors: Range<Int32>
    /// `LISTEN_FDNAMES`, one name per descriptor when systemd gave them.
    let names: [String]

    /// Reads the environment. The variables count only when `LISTEN_PID` names this process, since a child
    /// process inherits them but not the sockets' purpose. (Daemon mode has no use under systemd; its
    /// detached copy keeps the `fd@N` sockets but skips these checks.)
    init(environment: [String: String]) {
        let pid = environment["LISTEN_PID"].flatMap { Int32($0) }
        let count = environment["LISTEN_FDS"].flatMap { Int32($0) } ?? 0
        let ours = pid == getpid()
        descriptors = ours && count > 0 ? Self.firstDescriptor..<(Self.firstDescriptor + count) : Self.firstDescriptor..<Self.firstDescriptor
        names = ours ? (environment["LISTEN_FDNAMES"] ?? "").split(separator: ":", omittingEmptySubsequences: false).map(String.init) : []
        // Not for processes lb may start (health-check scripts one day): they must not think they were activated.
        if ours {
            unsetenv("LISTEN_PID")
            unsetenv("LISTEN_FDS")
            unsetenv("LISTEN_FDNAMES")
        }
    }

    /// Problems with how the configuration uses the passed descriptors: an `fd@N` systemd did not pass
    /// while it passed others is most likely a numbering mistake (an error); a passed socket no `fd@`
    /// takes is left unserved (a warning).
    func diagnostics(binds: [(descriptor: Int32, location: SourceLocation)]) -> [Diagnostic] {
        guard !descriptors.isEmpty else { return [] }
        var diagnostics: [Diagnostic] = []
        let passed = descriptors.map(String.init).joined(separator: ", ")
        for bind in binds where !descriptors.contains(bind.descriptor) {
            diagnostics.append(.error("fd@\(bind.descriptor) was not passed by systemd, which passed \(passed)", at: bind.location,
                                      hint: "systemd numbers its sockets from 3 in the order of the socket unit's Listen lines"))
        }
        let used = Set(binds.map(\.descriptor))
        for descriptor in descriptors where !used.contains(descriptor) {
            let index = Int(descriptor - Self.firstDescriptor)
            let name = index < names.count && !names[index].isEmpty ? " ('\(names[index])')" : ""
            diagnostics.append(.warning("systemd passed the socket fd@\(descriptor)\(name) but no 'bind' or 'stats socket' takes it",
                                        at: SourceLocation(file: "LISTEN_FDS", line: 0)))
        }
        return diagnostics
    }
}
