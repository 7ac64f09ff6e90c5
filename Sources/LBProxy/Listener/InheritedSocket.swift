#if canImport(Glibc)
import Glibc
#endif

/// Checks an inherited descriptor (`bind fd@N`, `stats socket fd@N`) before SwiftNIO takes it over, so a
/// wrong number gets an error that says what descriptor N is, rather than a failure deep in the channel.
enum InheritedSocket {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func validate(_ descriptor: Int32) throws {
        var type: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_TYPE, &type, &length) == 0 else {
            switch errno {
            case EBADF:
                throw Failure(description: "descriptor \(descriptor) is not open in lb (it must be inherited, for example from systemd with LISTEN_FDS)")
            case ENOTSOCK:
                throw Failure(description: "descriptor \(descriptor) is not a socket")
            default:
                throw Failure(description: "descriptor \(descriptor): \(String(cString: strerror(errno)))")
            }
        }
        guard type == Int32(SOCK_STREAM.rawValue) else {
            throw Failure(description: "descriptor \(descriptor) is not a stream socket (lb listens on TCP and unix stream sockets)")
        }
        // A socket that is not bound yet would be given a random port by listen(): refuse it.
        var address = sockaddr_storage()
        var addressLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &addressLength) }
        }
        if named == 0, address.ss_family == sa_family_t(AF_INET) || address.ss_family == sa_family_t(AF_INET6) {
            let port = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
            }
            if port == 0 { throw Failure(description: "descriptor \(descriptor) is a socket that is not bound to an address") }
        }
    }
}
