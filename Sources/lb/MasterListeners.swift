import Foundation
import LBConfig
#if canImport(Glibc)
import Glibc
#endif

/// The listening sockets the master process holds for its workers (`-W`).
///
/// The master binds every frontend address itself and never accepts on it; each worker it starts
/// inherits the sockets and serves them as `bind fd@N`. A reload starts the new worker on the very same
/// sockets, so the kernel's accept queue outlives the hand-over: a connection that arrives while the old
/// worker stops and the new one starts waits in the queue instead of being refused. An address the new
/// configuration adds is bound before its worker starts; one it drops is closed once the new worker is up
/// (the old worker holds its own copy until it has stopped).
struct MasterListeners {
    /// Names the environment variable that tells a worker which descriptor serves which bind.
    static let variable = "LB_MASTER_LISTENERS"

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Descriptor by bind key (see `keys(of:)`).
    private(set) var sockets: [String: Int32] = [:]

    var descriptors: Set<Int32> { Set(sockets.values) }

    /// Each frontend bind that lb would bind itself (not `fd@N`), with a key naming it across reloads: its
    /// address as written, and which occurrence of that address it is.
    static func keys(of configuration: Configuration) -> [(key: String, bind: BindAddress)] {
        var seen: [String: Int] = [:]
        var result: [(key: String, bind: BindAddress)] = []
        for proxy in configuration.proxies {
            for bind in proxy.binds where bind.descriptor == nil {
                let address = bind.description
                let occurrence = seen[address, default: 0]
                seen[address] = occurrence + 1
                result.append(("\(address)#\(occurrence)", bind))
            }
        }
        return result
    }

    /// Binds every address of `configuration` not bound yet. Sockets it no longer uses stay open until
    /// its worker serves (the master closes them then, see `unused(by:)`). On failure nothing changes.
    mutating func prepare(for configuration: Configuration) throws {
        var added: [String: Int32] = [:]
        let wanted = Self.keys(of: configuration)
        do {
            for (key, bind) in wanted where sockets[key] == nil {
                added[key] = try Self.listen(bind)
            }
        } catch {
            for descriptor in added.values { Glibc.close(descriptor) }
            throw error
        }
        sockets.merge(added) { old, _ in old }
    }

    mutating func close(_ keys: [String]) {
        for key in keys {
            if let descriptor = sockets.removeValue(forKey: key) { Glibc.close(descriptor) }
        }
    }

    /// The environment value for a worker: `key=fd` pairs separated by `;`.
    var environmentValue: String {
        sockets.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: ";")
    }

    /// In a worker: makes every bind the master holds a socket for an `fd@N` bind on that socket.
    static func adopt(_ value: String, into configuration: inout Configuration) {
        var descriptors: [String: Int32] = [:]
        for pair in value.split(separator: ";") {
            guard let equals = pair.lastIndex(of: "="), let descriptor = Int32(pair[pair.index(after: equals)...]) else { continue }
            descriptors[String(pair[..<equals])] = descriptor
        }
        var seen: [String: Int] = [:]
        for proxyIndex in configuration.proxies.indices {
            for bindIndex in configuration.proxies[proxyIndex].binds.indices {
                let bind = configuration.proxies[proxyIndex].binds[bindIndex]
                guard bind.descriptor == nil else { continue }
                let address = bind.description
                let occurrence = seen[address, default: 0]
                seen[address] = occurrence + 1
                if let descriptor = descriptors["\(address)#\(occurrence)"] {
                    configuration.proxies[proxyIndex].binds[bindIndex].descriptor = descriptor
                }
            }
        }
    }

    /// Opens, binds and listens on a TCP socket for `bind`, as lb's own listeners are bound (address
    /// reuse, backlog 1024). The socket is not close-on-exec: workers inherit it.
    static func listen(_ bind: BindAddress) throws -> Int32 {
        let host = bind.host ?? "0.0.0.0"
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(bind.port), &hints, &found)
        guard resolved == 0, let first = found else {
            throw Failure(description: "\(bind.location): cannot resolve '\(host)': \(String(cString: gai_strerror(resolved)))")
        }
        defer { freeaddrinfo(found) }
        let descriptor = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "\(bind.location): socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if first.pointee.ai_family == AF_INET6, bind.options.contains("v6only") {
            _ = setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        guard Glibc.bind(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0,
              Glibc.listen(descriptor, 1024) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw Failure(description: "\(bind.location): cannot bind \(bind): \(reason)")
        }
        return descriptor
    }
}

extension MasterListeners {
    /// The keys of sockets held for none of `keys`: an address a configuration dropped, or one a failed
    /// reload added.
    func unused(by keys: Set<String>) -> [String] {
        sockets.keys.filter { !keys.contains($0) }
    }
}
