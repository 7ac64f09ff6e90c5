import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// What lb's epoll channels learn of addresses from the kernel: `accept4` and `getsockname` fill a
/// `sockaddr_storage`, and a listener on the wildcard address cannot tell its connections' local address.
extension SocketAddress {
    /// The wildcard address (`0.0.0.0`, `::`), on which a socket listens for every local address.
    var isUnspecified: Bool {
        switch self {
        case .v4(let address): address.address.sin_addr.s_addr == 0
        case .v6(let address): withUnsafeBytes(of: address.address.sin6_addr) { $0.allSatisfy { $0 == 0 } }
        case .unixDomainSocket: false
        }
    }

    /// The address in `storage` (IPv4 or IPv6), without formatting its host name.
    init?(storage: sockaddr_storage) {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            self = withUnsafeBytes(of: &storage) { .init($0.load(as: sockaddr_in.self), host: "") }
        case AF_INET6:
            self = withUnsafeBytes(of: &storage) { .init($0.load(as: sockaddr_in6.self), host: "") }
        default:
            return nil
        }
    }
}
