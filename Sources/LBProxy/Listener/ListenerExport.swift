import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Hands this process's listening sockets to a new lb (`-x`), through a stats socket with
/// `expose-fd listeners`: the new process names a unix socket it listens on (`_getsocks PATH`), and this
/// one connects there and sends every listening TCP socket it has, as SCM_RIGHTS descriptors with one
/// line per descriptor naming its address. The new process serves them at once, so the sockets never
/// close and no connection waiting in their queues is lost when this process stops.
///
/// HAProxy's `_getsocks` answers on the stats connection itself; SwiftNIO offers no way to attach
/// descriptors to a stream channel's writes, so lb sends them over a connection of its own.
public enum ListenerExport {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The most descriptors one message carries (the kernel's SCM_MAX_FD).
    static let maxDescriptors = 253

    /// Every listening TCP socket of this process with its local address (`ListenerExport.key`). With
    /// one socket per event loop, an address appears once per loop: all of them go, so that none of the
    /// reuse-port group is left to close with connections in its queue.
    static func listeningSockets() -> [(key: String, descriptor: Int32)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return [] }
        var sockets: [(key: String, descriptor: Int32)] = []
        for descriptor in names.compactMap({ Int32($0) }).sorted() where descriptor > 2 {
            var listening: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(descriptor, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) == 0, listening == 1 else { continue }
            var address = sockaddr_storage()
            var addressLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let named = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &addressLength) }
            }
            guard named == 0, let key = withUnsafePointer(to: &address, { key(of: UnsafeRawPointer($0)) }) else { continue }
            sockets.append((key, descriptor))
        }
        return sockets
    }

    /// `ip:port` (`[ip]:port` for IPv6) of an IPv4 or IPv6 socket address; nil for other families.
    public static func key(of address: UnsafeRawPointer) -> String? {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(address.load(as: sockaddr.self).sa_family) {
        case AF_INET:
            var ipv4 = address.load(as: sockaddr_in.self)
            inet_ntop(AF_INET, &ipv4.sin_addr, &text, socklen_t(text.count))
            return "\(string(text)):\(UInt16(bigEndian: ipv4.sin_port))"
        case AF_INET6:
            var ipv6 = address.load(as: sockaddr_in6.self)
            inet_ntop(AF_INET6, &ipv6.sin6_addr, &text, socklen_t(text.count))
            return "[\(string(text))]:\(UInt16(bigEndian: ipv6.sin6_port))"
        default:
            return nil
        }
    }

    private static func string(_ text: [CChar]) -> String {
        String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Connects to `path` and sends the listening sockets; returns how many were sent.
    static func send(to path: String) throws -> Int {
        let sockets = Array(listeningSockets().prefix(maxDescriptors))
        let connection = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard connection >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(connection) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw Failure(description: "path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(connection, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "cannot connect to \(path): \(String(cString: strerror(errno)))") }

        // The text names each descriptor, in order; the count leads so the receiver knows it has all.
        var text = Array("\(sockets.count)\n".utf8)
        for socket in sockets { text += Array("\(socket.key)\n".utf8) }
        // struct cmsghdr { size_t len; int level; int type; } then the descriptors, padded to 8 bytes.
        let header = MemoryLayout<cmsghdr>.size
        let dataLength = sockets.count * MemoryLayout<Int32>.size
        var control = [UInt8](repeating: 0, count: header + (dataLength + 7) / 8 * 8)
        control.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: header + dataLength, toByteOffset: 0, as: Int.self)
            raw.storeBytes(of: SOL_SOCKET, toByteOffset: MemoryLayout<Int>.size, as: Int32.self)
            raw.storeBytes(of: Int32(SCM_RIGHTS), toByteOffset: MemoryLayout<Int>.size + 4, as: Int32.self)
            for (index, socket) in sockets.enumerated() {
                raw.storeBytes(of: socket.descriptor, toByteOffset: header + index * 4, as: Int32.self)
            }
        }
        let sent = text.withUnsafeMutableBytes { textBytes in
            control.withUnsafeMutableBytes { controlBytes in
                var vector = iovec(iov_base: textBytes.baseAddress, iov_len: textBytes.count)
                return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    var message = msghdr()
                    message.msg_iov = vectorPointer
                    message.msg_iovlen = 1
                    if !sockets.isEmpty {
                        message.msg_control = controlBytes.baseAddress
                        message.msg_controllen = controlBytes.count
                    }
                    return sendmsg(connection, &message, Int32(MSG_NOSIGNAL))
                }
            }
        }
        guard sent == text.count else { throw Failure(description: "cannot send to \(path): \(String(cString: strerror(errno)))") }
        return sockets.count
    }
}
