/// A TLS protocol version, named as HAProxy's `ssl-min-ver` / `ssl-max-ver` write it.
public enum TLSProtocolVersion: String, Sendable, Hashable, CaseIterable, Comparable {
    case ssl3 = "SSLv3"
    case tls10 = "TLSv1.0"
    case tls11 = "TLSv1.1"
    case tls12 = "TLSv1.2"
    case tls13 = "TLSv1.3"

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
