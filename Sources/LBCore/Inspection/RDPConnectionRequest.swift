import LBConfig

/// The first bytes of an RDP connection: a TPKT header (version 3, a 16-bit length), an X.224
/// connection request, then optionally one cookie line, `Cookie: NAME=VALUE\r\n`. Remote Desktop
/// clients send `mstshash=USER` there; a session broker in token redirection mode sends `msts=...`
/// naming the server that holds the session.
public enum RDPConnectionRequest {
    /// Where the cookie line starts: after the 4-byte TPKT header and the 7 fixed bytes of the request.
    static let cookieOffset = 11

    /// True while `bytes` begin a TPKT packet that has not fully arrived: content inspection waits for
    /// the rest (up to `tcp-request inspect-delay`).
    public static func isIncomplete(_ bytes: some RandomAccessCollection<UInt8>) -> Bool {
        let data = Array(bytes.prefix(4))
        guard data.first == 3 else { return false }
        guard data.count >= 4 else { return data.count < 2 || data[1] == 0 }
        guard data[1] == 0 else { return false }
        return bytes.count < Int(data[2]) << 8 | Int(data[3])
    }

    /// True when `bytes` hold a whole TPKT packet: the RDP connection request has arrived.
    public static func isComplete(_ bytes: some RandomAccessCollection<UInt8>) -> Bool {
        let data = Array(bytes.prefix(4))
        guard data.count == 4, data[0] == 3, data[1] == 0 else { return false }
        return bytes.count >= Int(data[2]) << 8 | Int(data[3])
    }

    /// The value of the cookie `name` (compared without case), or of the one cookie whatever its name
    /// (then `NAME=VALUE` whole) when `name` is nil; nil when the bytes hold no such cookie line.
    public static func cookie(in bytes: [UInt8], name: String?) -> Substring? {
        guard bytes.count > cookieOffset, bytes[0] == 3, bytes[1] == 0 else { return nil }
        var index = cookieOffset
        let prefix = Array("cookie:".utf8)
        guard bytes.count >= index + prefix.count,
              zip(bytes[index..<(index + prefix.count)], prefix).allSatisfy({ lowered($0) == $1 }) else { return nil }
        index += prefix.count
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        if let name {
            let wanted = Array(name.lowercased().utf8) + [UInt8(ascii: "=")]
            guard bytes.count >= index + wanted.count,
                  zip(bytes[index..<(index + wanted.count)], wanted).allSatisfy({ lowered($0) == $1 }) else { return nil }
            index += wanted.count
        }
        var end = index
        while end + 1 < bytes.count, !(bytes[end] == 0x0D && bytes[end + 1] == 0x0A) { end += 1 }
        guard end + 1 < bytes.count else { return nil }
        return Substring(String(decoding: bytes[index..<end], as: UTF8.self))
    }

    /// The server a broker's `msts` cookie names: `IP.PORT.RESERVED`, the IPv4 address and the port
    /// written as the decimal values of their bytes in network order read as little-endian integers.
    public static func serverAddress(fromMSTS value: Substring) -> (address: IPAddress, port: Int)? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, let raw = UInt32(parts[0]), let rawPort = UInt16(parts[1]) else { return nil }
        return (.v4(raw.byteSwapped), Int(rawPort.byteSwapped))
    }

    private static func lowered(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }
}
