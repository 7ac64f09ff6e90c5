import Foundation
import LBConfig
import LBProxy
#if canImport(Glibc)
import Glibc
#endif

/// `-x SOCKET`: takes the listening sockets of a running lb over its stats socket (`expose-fd
/// listeners`), so that this process serves the very sockets the old one listened on. See
/// `ListenerExport` for the other side.
enum ListenerTransfer {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Asks the lb behind `statsSocket` for its listening sockets; returns them by address
    /// (`ListenerExport.key`), each address with every socket the old process had for it.
    static func receive(from statsSocket: String) throws -> [String: [Int32]] {
        // A unix socket of our own for the old process to connect to, next to the stats socket (same
        // file system, same permissions as the operator chose for it).
        let path = "\(statsSocket).\(getpid()).x"
        let listener = try unixSocket()
        defer { close(listener); unlink(path) }
        unlink(path)
        guard withAddress(path, { bind(listener, $0, $1) }) == 0, listen(listener, 1) == 0 else {
            throw Failure(description: "cannot listen on \(path): \(String(cString: strerror(errno)))")
        }
        _ = chmod(path, 0o600)

        let stats = try unixSocket()
        defer { close(stats) }
        guard withAddress(statsSocket, { connect(stats, $0, $1) }) == 0 else {
            throw Failure(description: "cannot connect to \(statsSocket): \(String(cString: strerror(errno)))")
        }
        let command = "_getsocks \(path)\n"
        guard command.withCString({ write(stats, $0, strlen($0)) }) == command.utf8.count else {
            throw Failure(description: "cannot send to \(statsSocket): \(String(cString: strerror(errno)))")
        }
        // The old process connects to us before it answers on the stats socket: wait for either.
        var polls = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0), pollfd(fd: stats, events: Int16(POLLIN), revents: 0)]
        guard poll(&polls, 2, 5000) > 0 else { throw Failure(description: "\(statsSocket) did not answer '_getsocks' within 5 s") }
        guard polls[0].revents & Int16(POLLIN) != 0 else {
            throw Failure(description: "\(statsSocket) refused: \(readAnswer(stats)) (it needs 'expose-fd listeners' and 'level admin')")
        }
        let connection = accept(listener, nil, nil)
        guard connection >= 0 else { throw Failure(description: "accept: \(String(cString: strerror(errno)))") }
        defer { close(connection) }
        return try receiveDescriptors(connection)
    }

    /// Makes the binds of `configuration` serve the received sockets of their address: the first as
    /// the bind itself (`fd@N`), the others as copies of the bind, so every socket of a reuse-port group
    /// is served. Returns the descriptors no bind took, which the caller closes.
    static func adopt(_ received: [String: [Int32]], into configuration: inout Configuration) -> [Int32] {
        var left = received
        for proxyIndex in configuration.proxies.indices {
            var binds: [BindAddress] = []
            for bind in configuration.proxies[proxyIndex].binds {
                guard bind.descriptor == nil, bind.port != 0, let key = key(of: bind), let descriptors = left.removeValue(forKey: key),
                      !descriptors.isEmpty else {
                    binds.append(bind)
                    continue
                }
                for descriptor in descriptors {
                    var adopted = bind
                    adopted.descriptor = descriptor
                    binds.append(adopted)
                }
            }
            configuration.proxies[proxyIndex].binds = binds
        }
        return left.values.flatMap { $0 }
    }

    /// The address key of a bind, as `ListenerExport` names a bound socket.
    static func key(of bind: BindAddress) -> String? {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(bind.host ?? "0.0.0.0", String(bind.port), &hints, &found) == 0, let first = found else { return nil }
        defer { freeaddrinfo(found) }
        return ListenerExport.key(of: UnsafeRawPointer(first.pointee.ai_addr))
    }

    private static func receiveDescriptors(_ connection: Int32) throws -> [String: [Int32]] {
        var text = [UInt8](repeating: 0, count: 64 * 1024)
        var control = [UInt8](repeating: 0, count: MemoryLayout<cmsghdr>.size + 256 * 4)
        let count = text.withUnsafeMutableBytes { textBytes in
            control.withUnsafeMutableBytes { controlBytes in
                var vector = iovec(iov_base: textBytes.baseAddress, iov_len: textBytes.count)
                return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    var message = msghdr()
                    message.msg_iov = vectorPointer
                    message.msg_iovlen = 1
                    message.msg_control = controlBytes.baseAddress
                    message.msg_controllen = controlBytes.count
                    return recvmsg(connection, &message, Int32(MSG_CMSG_CLOEXEC))
                }
            }
        }
        guard count > 0 else { throw Failure(description: "the old process sent nothing") }
        // One cmsghdr of SCM_RIGHTS: its length says how many descriptors follow the header.
        let header = MemoryLayout<cmsghdr>.size
        var descriptors: [Int32] = []
        control.withUnsafeBytes { raw in
            let length = raw.load(fromByteOffset: 0, as: Int.self)
            let level = raw.load(fromByteOffset: MemoryLayout<Int>.size, as: Int32.self)
            let type = raw.load(fromByteOffset: MemoryLayout<Int>.size + 4, as: Int32.self)
            guard level == SOL_SOCKET, type == Int32(SCM_RIGHTS), length > header else { return }
            for index in 0..<(length - header) / 4 {
                descriptors.append(raw.load(fromByteOffset: header + index * 4, as: Int32.self))
            }
        }
        let lines = String(decoding: text[..<count], as: UTF8.self).split(separator: "\n").map(String.init)
        guard let announced = lines.first.flatMap({ Int($0) }), announced == descriptors.count, lines.count == announced + 1 else {
            for descriptor in descriptors { close(descriptor) }
            throw Failure(description: "the old process's answer is incomplete (\(descriptors.count) sockets, \(lines.count) lines)")
        }
        var sockets: [String: [Int32]] = [:]
        for (key, descriptor) in zip(lines.dropFirst(), descriptors) {
            // Inherited by nothing this process starts (a master's workers get theirs explicitly).
            sockets[key, default: []].append(descriptor)
        }
        return sockets
    }

    private static func readAnswer(_ descriptor: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = read(descriptor, &buffer, buffer.count)
        return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "no answer"
    }

    private static func unixSocket() throws -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        return descriptor
    }

    private static func withAddress(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            errno = ENAMETOOLONG
            return -1
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}
