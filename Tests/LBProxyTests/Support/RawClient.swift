#if canImport(Glibc)
import Glibc
#endif

import Foundation

/// A blocking TCP client over plain sockets, so tests control every byte sent and see every byte received.
/// Each receive waits at most `timeoutMilliseconds`. One test uses one client at a time (hence the
/// unchecked Sendable: `offloaded` hands it to a dispatch thread while the test awaits).
final class RawClient: @unchecked Sendable {
    struct Response {
        var status: Int
        var head: String
        var body: [UInt8]
        var bodyText: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? {
            for line in head.split(separator: "\r\n").dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                    return parts[1].trimmingCharacters(in: " ")
                }
            }
            return nil
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private(set) var fd: Int32
    var pending: [UInt8] = []
    /// True once the peer closed its side.
    private(set) var peerClosed = false

    init(port: Int, timeoutMilliseconds: Int = 5000) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            // deinit runs even though init throws: it must not close the number again, which by then
            // may belong to another thread's socket (NIO traps on EBADF from an accepted one).
            fd = -1
            throw Failure(description: "connect to port \(port) failed: errno \(code)")
        }
        setTimeout(milliseconds: timeoutMilliseconds)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { if fd >= 0 { close(fd) } }

    func setTimeout(milliseconds: Int) {
        var timeout = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw Failure(description: "send failed: errno \(errno)") }
            offset += written
        }
    }

    /// Aborts the connection: the peer sees a reset (RST), not a FIN.
    func reset() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close(fd)
        fd = -1
    }

    /// Half-closes the sending side (the peer sees a FIN).
    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Reads more bytes into `pending`; false on close or timeout. A signal that interrupts the wait is
    /// not a timeout: the wait goes on.
    @discardableResult
    func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        var count: Int
        repeat {
            count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        } while count < 0 && errno == EINTR
        if count > 0 {
            pending += chunk[0..<count]
            return true
        }
        if count == 0 { peerClosed = true }
        return false
    }

    /// Reads one line (without its line end), or nil when the peer closes or times out first.
    func readLine() -> String? {
        while !pending.contains(UInt8(ascii: "\n")) {
            guard fill() else { return nil }
        }
        let end = pending.firstIndex(of: UInt8(ascii: "\n"))!
        defer { pending.removeFirst(end + 1) }
        return String(decoding: pending[..<end], as: UTF8.self)
    }

    /// Reads until the peer closes (or the timeout), returning everything.
    func readToEnd() -> [UInt8] {
        while fill() {}
        defer { pending.removeAll() }
        return pending
    }

    /// True when the peer closed the connection (reads return end of file) within the timeout.
    func waitForClose() -> Bool {
        while fill() {}
        return peerClosed
    }

    /// Reads one complete response (Content-Length, chunked, or until close), for a request of `method`.
    func readResponse(method: String = "GET") throws -> Response {
        while true {
            if let (response, used) = try parseResponse(method: method) {
                pending.removeFirst(used)
                return response
            }
            if !fill() {
                if peerClosed, let (response, used) = try parseResponse(method: method, atEnd: true) {
                    pending.removeFirst(used)
                    return response
                }
                throw Failure(description: "no complete response (closed: \(peerClosed)); received: \(String(decoding: pending, as: UTF8.self).prefix(300))")
            }
        }
    }

    private func parseResponse(method: String, atEnd: Bool = false) throws -> (Response, Int)? {
        guard let headEnd = find([13, 10, 13, 10], in: pending) else { return nil }
        let head = String(decoding: pending[0..<headEnd], as: UTF8.self)
        let statusLine = head.split(separator: "\r\n").first ?? ""
        guard statusLine.hasPrefix("HTTP/1."), let status = Int(statusLine.dropFirst(9).prefix(3)) else {
            throw Failure(description: "bad status line: \(statusLine)")
        }
        var response = Response(status: status, head: head, body: [])
        let start = headEnd + 4
        if method == "HEAD" || status == 204 || status == 304 || status < 200 { return (response, start) }
        if response.header("transfer-encoding")?.lowercased().contains("chunked") == true {
            var position = start
            var body: [UInt8] = []
            while true {
                guard let lineEnd = find([13, 10], in: pending, from: position) else { return nil }
                let sizeText = String(decoding: pending[position..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Int(sizeText, radix: 16) else { throw Failure(description: "bad chunk size \(sizeText)") }
                position = lineEnd + 2
                if size == 0 {
                    guard let end = find([13, 10], in: pending, from: position) else { return nil }
                    response.body = body
                    return (response, end + 2)
                }
                guard pending.count >= position + size + 2 else { return nil }
                body += pending[position..<(position + size)]
                position += size + 2
            }
        }
        if let lengthText = response.header("content-length"), let length = Int(lengthText) {
            guard pending.count >= start + length else { return nil }
            response.body = Array(pending[start..<(start + length)])
            return (response, start + length)
        }
        guard atEnd else { return nil }
        response.body = Array(pending[start...])
        return (response, pending.count)
    }
}
