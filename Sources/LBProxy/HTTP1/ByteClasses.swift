/// Character classes from RFC 9110 used by the parsers, as a 256-entry table for branch-free lookups.
enum ByteClasses {
    /// `tchar`: the bytes allowed in a token (method, header name).
    static let token: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(byte)] = true }
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(byte)] = true }
        for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(byte)] = true }
        for byte in "!#$%&'*+-.^_`|~".utf8 { table[Int(byte)] = true }
        return table
    }()

    /// Bytes allowed in a header value: visible characters, SP, HTAB and obs-text (0x80-0xFF).
    static let fieldValue: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in 0x20...0x7e { table[byte] = true }
        for byte in 0x80...0xff { table[byte] = true }
        table[0x09] = true
        return table
    }()

    /// Bytes allowed in a request target: visible ASCII only, no SP, controls or bytes of 0x80 and above
    /// (RFC 3986 has none; a server that decodes them as UTF-8, Latin-1 or not at all sees a different
    /// path than the rules that routed it, and haproxy refuses them too).
    static let target: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in 0x21...0x7e { table[byte] = true }
        return table
    }()
}

extension UInt8 {
    @inline(__always) var lowercasedASCII: UInt8 { self >= 65 && self <= 90 ? self | 0x20 : self }
}
