import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `sd_notify(3)` for a `Type=notify` (or `notify-reload`) systemd unit, without libsystemd: one datagram
/// of `KEY=value` lines to the unix socket `NOTIFY_SOCKET` names (a leading `@` means the abstract
/// namespace). Without the variable every call does nothing.
enum SystemdNotify {
    /// Taken once: the variable is removed from the environment so that the processes lb starts (its
    /// workers) do not notify in the master's place.
    private static let socketPath: String? = {
        let path = ProcessInfo.processInfo.environment["NOTIFY_SOCKET"]
        unsetenv("NOTIFY_SOCKET")
        return path.flatMap { $0.isEmpty ? nil : $0 }
    }()

    /// Reads and forgets `NOTIFY_SOCKET` before any other process is started.
    static func claim() { _ = socketPath }

    /// lb serves its configuration; `MAINPID` tells systemd which process that is.
    static func ready() {
        send("READY=1\nMAINPID=\(getpid())\nSTATUS=Ready.")
    }

    /// A reload begins; systemd wants the monotonic time with it, to tell this reload from an older one.
    static func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let microseconds = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
        send("RELOADING=1\nMONOTONIC_USEC=\(microseconds)\nSTATUS=Reloading Configuration.")
    }

    static func stopping() { send("STOPPING=1") }

    /// A free-form status line (`systemctl status` shows it).
    static func status(_ text: String) { send("STATUS=\(text)") }

    private static func send(_ message: String) {
        guard let path = socketPath else { return }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        // The abstract namespace: the name starts with a zero byte instead of '@'.
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        _ = message.withCString { text in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, text, strlen(text), Int32(MSG_NOSIGNAL), $0, length)
                }
            }
        }
    }
}
