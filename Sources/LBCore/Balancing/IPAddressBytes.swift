import LBConfig

/// The network-order bytes of an address, for hashing (IPv4-mapped IPv6 addresses hash as IPv4).
struct IPAddressBytes {
    var bytes: [UInt8]

    init(_ address: IPAddress) {
        switch address.unmapped {
        case .v4(let value):
            bytes = [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
        case .v6(let value):
            bytes = (0..<16).reversed().map { UInt8(truncatingIfNeeded: value >> (UInt128($0) * 8)) }
        }
    }
}
