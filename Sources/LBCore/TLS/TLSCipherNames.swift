/// Cipher suites by their IANA number, named as OpenSSL (and so HAProxy's `%sslc`) names them.
public enum TLSCipherNames {
    static let names: [UInt16: String] = [
        0x1301: "TLS_AES_128_GCM_SHA256",
        0x1302: "TLS_AES_256_GCM_SHA384",
        0x1303: "TLS_CHACHA20_POLY1305_SHA256",
        0xC02B: "ECDHE-ECDSA-AES128-GCM-SHA256",
        0xC02C: "ECDHE-ECDSA-AES256-GCM-SHA384",
        0xC02F: "ECDHE-RSA-AES128-GCM-SHA256",
        0xC030: "ECDHE-RSA-AES256-GCM-SHA384",
        0xCCA8: "ECDHE-RSA-CHACHA20-POLY1305",
        0xCCA9: "ECDHE-ECDSA-CHACHA20-POLY1305",
        0xC009: "ECDHE-ECDSA-AES128-SHA",
        0xC00A: "ECDHE-ECDSA-AES256-SHA",
        0xC013: "ECDHE-RSA-AES128-SHA",
        0xC014: "ECDHE-RSA-AES256-SHA",
        0xC023: "ECDHE-ECDSA-AES128-SHA256",
        0xC027: "ECDHE-RSA-AES128-SHA256",
        0xC024: "ECDHE-ECDSA-AES256-SHA384",
        0xC028: "ECDHE-RSA-AES256-SHA384",
        0x009C: "AES128-GCM-SHA256",
        0x009D: "AES256-GCM-SHA384",
        0x002F: "AES128-SHA",
        0x0035: "AES256-SHA",
        0x003C: "AES128-SHA256",
        0x003D: "AES256-SHA256",
        0x000A: "DES-CBC3-SHA",
    ]

    /// OpenSSL's name for `suite`, or its number in hexadecimal when lb does not know it.
    public static func name(_ suite: UInt16) -> String {
        names[suite] ?? "0x" + String(suite, radix: 16, uppercase: true)
    }
}
