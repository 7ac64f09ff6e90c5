import LBConfig
import NIOCore

extension SocketAddress {
    /// The address as LBConfig's pure `IPAddress` (nil for unix sockets).
    var ipAddress: IPAddress? {
        switch self {
        case .v4(let address):
            return .v4(UInt32(bigEndian: address.address.sin_addr.s_addr))
        case .v6(let address):
            var value: UInt128 = 0
            withUnsafeBytes(of: address.address.sin6_addr) { bytes in
                for byte in bytes { value = value << 8 | UInt128(byte) }
            }
            return IPAddress.v6(value).unmapped
        case .unixDomainSocket:
            return nil
        }
    }
}
