/// Which HAProxy lb reads configurations as, and which of HAProxy's build features it has. This is the
/// one list: `lb -vv` prints it, and the configuration's `feature(NAME)` and `version_atleast(V)` read it.
public enum HAProxyDialect {
    /// The HAProxy branch whose configuration language lb follows, and which its behaviour is compared
    /// against (the tests run HAProxy 2.6). Written without a patch level on purpose: lb claims the
    /// branch's language, not the fixes of some 2.6.x release, so `version_atleast(2.6.5)` is false.
    public static let version = HAProxyVersion("2.6")!

    /// One of HAProxy's feature names (as `haproxy -vv` lists them) and whether lb has it.
    public struct Feature: Sendable, Hashable {
        public let name: String
        public let present: Bool
    }

    /// HAProxy's feature names that configurations test, with lb's answer. Names HAProxy has and this
    /// list lacks are answered as absent by `feature()` too.
    public static let features: [Feature] = [
        Feature(name: "CRYPT_H", present: true),  // userlist passwords are checked with crypt(3)
        Feature(name: "EPOLL", present: true),  // SwiftNIO's event loops use epoll on Linux
        Feature(name: "LIBCRYPT", present: true),  // userlist passwords are checked with crypt(3)
        Feature(name: "LINUX_SPLICE", present: false),  // bytes are copied through user space
        Feature(name: "LUA", present: false),  // no Lua scripting
        Feature(name: "NS", present: false),  // no network namespaces
        Feature(name: "OPENSSL", present: true),  // TLS with BoringSSL, through swift-nio-ssl
        Feature(name: "PCRE", present: false),  // regular expressions use Swift's Regex engine
        Feature(name: "PCRE2", present: false),  // regular expressions use Swift's Regex engine
        Feature(name: "PCRE2_JIT", present: false),  // regular expressions use Swift's Regex engine
        Feature(name: "PROMEX", present: true),  // 'http-request use-service prometheus-exporter'
        Feature(name: "QUIC", present: false),  // no HTTP/3
        Feature(name: "SLZ", present: false),  // no HTTP compression
        Feature(name: "SYSTEMD", present: true),  // sd_notify readiness and reload (Type=notify), sockets through fd@N
        Feature(name: "THREAD", present: true),  // one event loop per thread ('nbthread')
        Feature(name: "TPROXY", present: false),  // no transparent proxying
        Feature(name: "ZLIB", present: false),  // no HTTP compression (zlib only writes the gzip log files)
    ]

    /// The TLS library, as HAProxy names one built with BoringSSL, and the OpenSSL API level it offers
    /// (BoringSSL declares itself OpenSSL 1.1.1-compatible, which is what `openssl_version_*` compare).
    public static let tlsLibraryName = "BoringSSL"
    public static let tlsLibraryVersion = HAProxyVersion("1.1.1")!

    /// The features as `haproxy -vv` prints them: `+NAME` or `-NAME`, space-separated, in name order.
    public static var featureLine: String {
        features.map { ($0.present ? "+" : "-") + $0.name }.joined(separator: " ")
    }

    /// Whether lb has the feature `name` (exact, case-sensitive, as HAProxy matches it).
    public static func hasFeature(_ name: String) -> Bool {
        features.contains { $0.name == name && $0.present }
    }
}
