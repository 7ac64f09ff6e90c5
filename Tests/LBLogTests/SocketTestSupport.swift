import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A datagram socket the tests receive syslog messages on: UDP on 127.0.0.1 (a free port) or a unix
/// datagram socket at a path.
final class DatagramReceiver {
    let descriptor: Int32
    let port: Int
    let path: String?

    /// A UDP receiver on `port` (0: a free one).
    init(udpPort: Int = 0) {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(udpPort).bigEndian
        withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        path = nil
        setTimeout()
    }

    init(unixPath: String) {
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(unixPath.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        self.descriptor = descriptor
        port = 0
        path = unixPath
        setTimeout()
    }

    private func setTimeout() {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Asks for a receive buffer of `bytes` (the kernel may grant less), so that a burst is not dropped.
    func setReceiveBuffer(_ bytes: Int32) {
        var size = bytes
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    /// The next datagram, or nil after the 5 s receive timeout.
    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        return count < 0 ? nil : String(decoding: buffer[0..<count], as: UTF8.self)
    }

    /// A datagram already queued, or nil without waiting. On loopback a datagram is queued at its receiver
    /// before the send returns, so this tells what has been sent so far.
    func receiveNow() -> String? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        return count < 0 ? nil : String(decoding: buffer[0..<count], as: UTF8.self)
    }

    deinit {
        close(descriptor)
        if let path { unlink(path) }
    }
}

/// A TCP listener on 127.0.0.1 that accepts connections one at a time and collects their bytes.
final class TCPCollector: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var received: [UInt8] = []
    private var clients: [Int32] = []
    private var listenerClosed = false

    init(port requested: Int = 0) {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(requested).bigEndian
        withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        listen(listener, 8)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(listener, $0, &length) }
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in acceptLoop() }.start()
    }

    /// Each descriptor is closed once, by the thread that uses it, after its last use, under the lock
    /// that `stop` takes: a number closed while another thread still uses it could meanwhile belong to
    /// another test's socket (NIO traps on EBADF from its own).
    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                lock.withLock {
                    listenerClosed = true
                    close(listener)
                }
                return
            }
            lock.withLock { clients.append(client) }
            Thread { [self] in
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let count = recv(client, &buffer, buffer.count, 0)
                    if count <= 0 { break }
                    lock.withLock { received += buffer[0..<count] }
                }
                lock.withLock {
                    clients.removeAll { $0 == client }
                    close(client)
                }
            }.start()
        }
    }

    var bytes: [UInt8] { lock.withLock { received } }

    /// Messages decoded from RFC 6587 octet-counted framing.
    var messages: [String] {
        let data = bytes
        var result: [String] = []
        var index = 0
        while index < data.count {
            guard let space = data[index...].firstIndex(of: 0x20),
                  let length = Int(String(decoding: data[index..<space], as: UTF8.self)),
                  space + 1 + length <= data.count else { break }
            result.append(String(decoding: data[(space + 1)..<(space + 1 + length)], as: UTF8.self))
            index = space + 1 + length
        }
        return result
    }

    /// Shuts the listener and every accepted connection down (the peer going down); their threads then
    /// see the end and close them. Returns once the listener is closed, so its port can be bound again.
    func stop() {
        lock.withLock {
            if !listenerClosed { shutdown(listener, Int32(SHUT_RDWR)) }
            for client in clients { shutdown(client, Int32(SHUT_RDWR)) }
        }
        _ = eventually { lock.withLock { listenerClosed } }
    }
}
