#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a `log` target sends: parsed from the target word of the `log` directive.
enum LogTargetAddress: Equatable {
    case udp(host: String, port: Int)
    case unixDatagram(path: String)
    case descriptor(Int32)
    case tcp(host: String, port: Int)
    case file(path: String)

    /// `ip[:port]`, `[ipv6]:port`, `udp@...`, `/path`, `unix@/path`, `stdout`, `stderr`, `fd@N`,
    /// `tcp@host:port`, `file@/path`.
    static func parse(_ target: String) throws(LogPipelineError) -> LogTargetAddress {
        func fail(_ why: String) -> LogPipelineError { LogPipelineError(message: "log target '\(target)': \(why)") }
        switch target {
        case "stdout": return .descriptor(1)
        case "stderr": return .descriptor(2)
        default: break
        }
        if target.hasPrefix("fd@") {
            guard let fd = Int32(target.dropFirst(3)), fd >= 0 else { throw fail("invalid file descriptor") }
            return .descriptor(fd)
        }
        if target.hasPrefix("/") { return .unixDatagram(path: target) }
        if target.hasPrefix("unix@") { return .unixDatagram(path: String(target.dropFirst(5))) }
        if target.hasPrefix("file@") {
            let path = String(target.dropFirst(5))
            guard !path.isEmpty else { throw fail("file@ needs a path") }
            return .file(path: path)
        }
        for prefix in ["ring@", "backend@"] where target.hasPrefix(prefix) {
            throw fail("\(prefix) targets are not supported by lb; use tcp@host:port for a reliable stream")
        }
        var rest = Substring(target)
        var isTCP = false
        for prefix in ["tcp@", "tcp4@", "tcp6@", "udp@", "udp4@", "udp6@"] where target.hasPrefix(prefix) {
            rest = target.dropFirst(prefix.count)
            isTCP = prefix.hasPrefix("tcp")
        }
        let host: Substring
        var port: Int?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw fail("missing ']' after an IPv6 address") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let value = Int(after.dropFirst()) else { throw fail("invalid port") }
                port = value
            }
        } else if let colon = rest.lastIndex(of: ":"), rest.firstIndex(of: ":") == colon {
            host = rest[..<colon]
            guard let value = Int(rest[rest.index(after: colon)...]) else { throw fail("invalid port") }
            port = value
        } else {
            host = rest
        }
        guard !host.isEmpty else { throw fail("missing host") }
        if let port, !(1...65535).contains(port) { throw fail("port \(port) out of range") }
        if isTCP {
            guard let port else { throw fail("tcp@ needs a port") }
            return .tcp(host: String(host), port: port)
        }
        return .udp(host: String(host), port: port ?? 514)
    }
}

/// A resolved socket address, stored as raw bytes so it can be kept and reused for every send.
struct SocketAddress: Sendable {
    var storage = sockaddr_storage()
    var length: socklen_t = 0

    var family: Int32 { Int32(storage.ss_family) }

    /// Numeric addresses directly; names through `getaddrinfo` (at configuration time only).
    static func resolve(host: String, port: Int) throws(LogPipelineError) -> SocketAddress {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        guard status == 0, let first = result else {
            throw LogPipelineError(message: "cannot resolve log host '\(host)': \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(result) }
        var address = SocketAddress()
        address.length = first.pointee.ai_addrlen
        withUnsafeMutableBytes(of: &address.storage) { raw in
            raw.copyMemory(from: UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: Int(first.pointee.ai_addrlen)))
        }
        return address
    }

    static func unix(path: String) throws(LogPipelineError) -> SocketAddress {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { throw LogPipelineError(message: "unix socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        var result = SocketAddress()
        withUnsafeMutableBytes(of: &result.storage) { raw in
            withUnsafeBytes(of: &address) { raw.copyMemory(from: $0) }
        }
        result.length = socklen_t(MemoryLayout<sockaddr_un>.size)
        return result
    }

    func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        withUnsafeBytes(of: storage) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }
}

/// The text of an `errno` value.
func errnoDescription(_ code: Int32) -> String { String(cString: strerror(code)) }

@inline(__always)
func systemClose(_ descriptor: Int32) {
    #if canImport(Glibc)
    _ = Glibc.close(descriptor)
    #else
    _ = Darwin.close(descriptor)
    #endif
}

@inline(__always)
func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, bytes, count)
    #else
    Darwin.write(descriptor, bytes, count)
    #endif
}
