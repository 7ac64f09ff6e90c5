import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A listening socket made the way a parent process (systemd, VTest) makes one before starting lb, for
/// `bind fd@N` and `stats socket fd@N` tests. Once lb has taken the descriptor it owns it and closes it
/// when it stops; `close()` is for a socket lb refused.
struct InheritedListener {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let descriptor: Int32
    /// The TCP port, for a TCP socket.
    let port: Int

    /// A TCP socket bound to 127.0.0.1 on a port the kernel picks, listening.
    static func tcp() throws -> InheritedListener {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound, listen(descriptor, 128) == 0 else {
            Glibc.close(descriptor)
            throw Failure(description: "bind/listen: \(errno)")
        }
        return InheritedListener(descriptor: descriptor, port: Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A unix stream socket bound to `path`, listening.
    static func unix(path: String) throws -> InheritedListener {
        unlink(path)
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            for (index, byte) in path.utf8.prefix(bytes.count - 1).enumerated() { bytes[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            Glibc.close(descriptor)
            throw Failure(description: "bind/listen \(path): \(errno)")
        }
        return InheritedListener(descriptor: descriptor, port: 0)
    }

    func close() { Glibc.close(descriptor) }
}
