import CEpollShim
import Glibc

/// The least a keep-alive HTTP/1 relay does per request: read a request head, send it on an idle server
/// connection (or a new one), read the response as far as its `Content-Length`, send it back, keep the
/// server connection for the next request. One thread, edge-triggered epoll, recv/send, one buffer per
/// connection. No rules, no logging, no timeouts, no chunked bodies: what is left is the I/O layer and
/// Swift's own costs (reference counting, bounds checks), which is what the bench measures.
final class Relay {
    private static let bufferSize = 16384
    private let serverPort: UInt16
    private let listener: Int32
    private let poller = epoll_create1(0)
    private var connections: [Int32: Connection] = [:]
    private var idleServers: [Connection] = []

    final class Connection {
        let descriptor: Int32
        let isClient: Bool
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: Relay.bufferSize, alignment: 16)
        var filled = 0
        var peer: Connection?
        /// A server connection's whole response length, once its head is in.
        var responseLength = -1

        init(descriptor: Int32, isClient: Bool) {
            self.descriptor = descriptor
            self.isClient = isClient
        }

        deinit { buffer.deallocate() }
    }

    init(listenPort: UInt16, serverPort: UInt16) {
        self.serverPort = serverPort
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue), 0)
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, 4)
        setsockopt(listener, Int32(IPPROTO_TCP), TCP_NODELAY, &one, 4)
        var address = Self.loopback(listenPort)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 1024) == 0 else {
            complain("cannot listen on 127.0.0.1:\(listenPort): errno \(errno)")
            exit(1)
        }
        var event = epoll_event()
        event.events = relay_epoll_in()
        event.data.fd = listener
        epoll_ctl(poller, EPOLL_CTL_ADD, listener, &event)
    }

    func run() -> Never {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        while true {
            let count = epoll_wait(poller, &events, Int32(events.count), -1)
            for index in 0..<max(0, Int(count)) {
                let descriptor = events[index].data.fd
                if descriptor == listener {
                    acceptAll()
                } else if let connection = connections[descriptor] {
                    if connection.isClient { clientReadable(connection) } else { serverReadable(connection) }
                }
            }
        }
    }

    private static func loopback(_ port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private func register(_ connection: Connection) {
        connections[connection.descriptor] = connection
        var event = epoll_event()
        event.events = relay_epoll_in_edge()
        event.data.fd = connection.descriptor
        epoll_ctl(poller, EPOLL_CTL_ADD, connection.descriptor, &event)
    }

    private func drop(_ connection: Connection) {
        connections[connection.descriptor] = nil
        close(connection.descriptor)
    }

    private func acceptAll() {
        while true {
            let descriptor = relay_accept_nonblocking(listener)
            if descriptor < 0 { return }
            register(Connection(descriptor: descriptor, isClient: true))
        }
    }

    /// Reads until the socket is empty; false when the peer closed or failed.
    private func fill(_ connection: Connection) -> Bool {
        while connection.filled < Self.bufferSize {
            let received = recv(connection.descriptor, connection.buffer + connection.filled, Self.bufferSize - connection.filled, 0)
            if received > 0 {
                connection.filled += received
            } else if received < 0, errno == EAGAIN {
                return true
            } else {
                return false
            }
        }
        return true
    }

    private func sendAll(_ descriptor: Int32, _ bytes: UnsafeMutableRawPointer, _ count: Int) {
        var sent = 0
        while sent < count {
            let written = send(descriptor, bytes + sent, count - sent, Int32(MSG_NOSIGNAL))
            if written > 0 {
                sent += written
            } else if written < 0, errno == EAGAIN {
                var wanted = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                poll(&wanted, 1, 1000)
            } else {
                return
            }
        }
    }

    private func clientReadable(_ client: Connection) {
        guard fill(client) else {
            if let server = client.peer { drop(server) }
            drop(client)
            return
        }
        forwardRequest(client)
    }

    private func forwardRequest(_ client: Connection) {
        guard client.peer == nil, let headLength = Self.headLength(client.buffer, client.filled),
              let server = idleServers.popLast() ?? connectServer() else { return }
        client.peer = server
        server.peer = client
        sendAll(server.descriptor, client.buffer, headLength)
        client.filled -= headLength
        if client.filled > 0 { memmove(client.buffer, client.buffer + headLength, client.filled) }
    }

    private func serverReadable(_ server: Connection) {
        guard fill(server) else {
            if let client = server.peer { drop(client) }
            drop(server)
            idleServers.removeAll { $0 === server }
            return
        }
        if server.responseLength < 0, let headLength = Self.headLength(server.buffer, server.filled) {
            server.responseLength = headLength + Self.contentLength(server.buffer, headLength)
        }
        guard server.responseLength >= 0, server.filled >= server.responseLength, let client = server.peer else { return }
        sendAll(client.descriptor, server.buffer, server.responseLength)
        server.filled = 0
        server.responseLength = -1
        server.peer = nil
        client.peer = nil
        idleServers.append(server)
        if client.filled > 0 { forwardRequest(client) }
    }

    private func connectServer() -> Connection? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue), 0)
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, 4)
        var address = Self.loopback(serverPort)
        let started = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard started == 0 || errno == EINPROGRESS else {
            close(descriptor)
            return nil
        }
        let server = Connection(descriptor: descriptor, isClient: false)
        register(server)
        return server
    }

    /// The length of the head up to and including its empty line, once it is all in.
    private static func headLength(_ bytes: UnsafeMutableRawPointer, _ count: Int) -> Int? {
        let base = bytes.assumingMemoryBound(to: UInt8.self)
        var from = 0
        while count - from >= 4, let found = memchr(base + from, 0x0d, count - from - 3) {
            let at = UnsafeRawPointer(found) - UnsafeRawPointer(base)
            if base[at + 1] == 0x0a, base[at + 2] == 0x0d, base[at + 3] == 0x0a { return at + 4 }
            from = at + 1
        }
        return nil
    }

    /// The value of the head's `Content-Length` field (0 without one).
    private static func contentLength(_ bytes: UnsafeMutableRawPointer, _ headLength: Int) -> Int {
        let base = bytes.assumingMemoryBound(to: UInt8.self)
        let name = Array("\ncontent-length:".utf8)
        var at = 0
        while at + name.count < headLength {
            var matched = 0
            while matched < name.count, base[at + matched] | (base[at + matched] &- 65 < 26 ? 0x20 : 0) == name[matched] { matched += 1 }
            if matched == name.count {
                var cursor = at + matched, value = 0
                while cursor < headLength, base[cursor] == 0x20 { cursor += 1 }
                while cursor < headLength, base[cursor] &- 48 < 10 { value = value * 10 + Int(base[cursor] - 48); cursor += 1 }
                return value
            }
            at += 1
        }
        return 0
    }
}
