/// The `no-sslv3` … `no-tlsv13` and `force-sslv3` … `force-tlsv13` words, which bind and server lines
/// share: each narrows the range of protocol versions as HAProxy does.
enum TLSVersionFlags {
    /// Applies `word` to the range; false when it is not one of these words.
    static func apply(_ word: String, minimum: inout TLSProtocolVersion, maximum: inout TLSProtocolVersion) -> Bool {
        switch word {
        case "no-sslv3": if minimum <= .ssl3 { minimum = .tls10 }
        case "no-tlsv10": if minimum <= .tls10 { minimum = .tls11 }
        case "no-tlsv11": if minimum <= .tls11 { minimum = .tls12 }
        case "no-tlsv12": if minimum <= .tls12 { minimum = .tls13 }
        case "no-tlsv13": if maximum >= .tls13 { maximum = .tls12 }
        case "force-sslv3": (minimum, maximum) = (.ssl3, .ssl3)
        case "force-tlsv10": (minimum, maximum) = (.tls10, .tls10)
        case "force-tlsv11": (minimum, maximum) = (.tls11, .tls11)
        case "force-tlsv12": (minimum, maximum) = (.tls12, .tls12)
        case "force-tlsv13": (minimum, maximum) = (.tls13, .tls13)
        default: return false
        }
        return true
    }
}
