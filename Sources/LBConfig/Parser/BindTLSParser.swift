/// The TLS options of a `bind` line (`ssl`, `crt`, `alpn`, `verify`...), with the global defaults.
enum BindTLSParser {
    /// TLS options followed by a value.
    static let valued: Set<String> = [
        "crt", "crt-list", "alpn", "ssl-min-ver", "ssl-max-ver", "ciphers", "ciphersuites", "curves", "ecdhe",
        "ca-file", "verify", "crl-file", "ca-ignore-err", "crt-ignore-err", "ca-sign-file", "ca-sign-pass", "npn",
    ]
    /// TLS options that stand alone.
    static let flags: Set<String> = [
        "ssl", "no-tls-tickets", "tls-tickets", "strict-sni", "no-sslv3", "no-tlsv10", "no-tlsv11", "no-tlsv12",
        "no-tlsv13", "force-sslv3", "force-tlsv10", "force-tlsv11", "force-tlsv12", "force-tlsv13",
        "prefer-client-ciphers", "allow-0rtt", "generate-certificates", "no-ca-names",
    ]
    /// Other bind options that take a value: their value is skipped, never read as an option.
    static let otherValued: Set<String> = [
        "name", "id", "process", "thread", "maxconn", "backlog", "level", "mode", "user", "group", "uid", "gid",
        "interface", "mss", "tcp-ut", "nice", "namespace", "proto", "severity-output", "accept-netscaler-cip",
    ]

    /// Reads the TLS options among a bind line's `words` (the line's words from `first` on). Nil when the
    /// line has no `ssl`; errors and warnings name the word they are about.
    static func parse(_ directive: Directive, from first: Int, context: inout ParseContext) -> BindTLS? {
        var tls = BindTLS(location: directive.location)
        var enabled = false
        let defaults = context.tlsDefaults
        if let location = defaults.optionsLocation {
            apply(defaults.options, locations: Array(repeating: location, count: defaults.options.count),
                  to: &tls, enabled: &enabled, context: &context, base: defaults)
        }
        tls.ciphers = defaults.ciphers
        tls.cipherSuites = defaults.cipherSuites
        let words = directive.texts(from: first)
        let locations = (0..<words.count).map { directive.location(of: first + $0) }
        apply(words, locations: locations, to: &tls, enabled: &enabled, context: &context, base: defaults)
        guard enabled else {
            if let index = words.firstIndex(where: { $0 == "crt" || $0 == "crt-list" }) {
                context.warning("'\(words[index])' has no effect without 'ssl' on the same line", at: locations[index],
                                hint: "add 'ssl' to terminate TLS on this address")
            }
            return nil
        }
        if tls.certificates.isEmpty && tls.certificateLists.isEmpty {
            context.error("'bind ... ssl' needs a certificate", at: directive.location,
                          hint: "add 'crt /path/to/cert.pem' (certificate, chain and key in one PEM file) or 'crt-list FILE'")
        }
        if tls.minVersion > tls.maxVersion {
            context.error("no TLS version is left between ssl-min-ver \(tls.minVersion.rawValue) and ssl-max-ver \(tls.maxVersion.rawValue)",
                          at: directive.location)
        }
        if tls.verify != .none && tls.caFile == nil {
            context.error("'verify \(tls.verify.rawValue)' needs 'ca-file' to verify client certificates against",
                          at: directive.location)
        }
        return tls
    }

    private static func apply(_ words: [String], locations: [SourceLocation], to tls: inout BindTLS, enabled: inout Bool,
                              context: inout ParseContext, base: BindTLSDefaults) {
        var index = 0
        while index < words.count {
            let word = words[index], location = locations[index]
            if otherValued.contains(word) {
                index += 2
                continue
            }
            if valued.contains(word) {
                guard index + 1 < words.count else {
                    context.error("'\(word)' expects a value", at: location)
                    return
                }
                value(word, words[index + 1], at: locations[index + 1], to: &tls, context: &context, base: base)
                index += 2
                continue
            }
            if flags.contains(word) { flag(word, to: &tls, enabled: &enabled) }
            index += 1
        }
    }

    private static func value(_ keyword: String, _ value: String, at location: SourceLocation, to tls: inout BindTLS,
                              context: inout ParseContext, base: BindTLSDefaults) {
        switch keyword {
        case "crt":
            tls.certificates.append(resolve(value, against: base.certificateBase))
        case "crt-list":
            tls.certificateLists.append(resolve(value, against: base.certificateBase))
        case "alpn":
            tls.alpn = value.split(separator: ",").map(String.init)
        case "ssl-min-ver", "ssl-max-ver":
            guard let version = TLSProtocolVersion(rawValue: value) else {
                context.error("unknown TLS version '\(value)'", at: location,
                              hint: "expected one of: " + TLSProtocolVersion.allCases.map(\.rawValue).joined(separator: ", "))
                return
            }
            if keyword == "ssl-min-ver" { tls.minVersion = version } else { tls.maxVersion = version }
        case "ciphers":
            tls.ciphers = value
        case "ciphersuites":
            tls.cipherSuites = value
        case "curves":
            tls.curves = value
        case "ca-file":
            tls.caFile = resolve(value, against: base.caBase)
        case "crl-file":
            tls.crlFile = resolve(value, against: base.caBase)
        case "verify":
            guard let verify = BindTLS.Verify(rawValue: value) else {
                context.error("'verify' expects none, optional or required, not '\(value)'", at: location)
                return
            }
            tls.verify = verify
        default:
            context.warning("'\(keyword)' is ignored: lb does not support it", at: location)
        }
    }

    private static func flag(_ word: String, to tls: inout BindTLS, enabled: inout Bool) {
        if TLSVersionFlags.apply(word, minimum: &tls.minVersion, maximum: &tls.maxVersion) { return }
        switch word {
        case "ssl": enabled = true
        case "no-tls-tickets": tls.noTLSTickets = true
        case "tls-tickets": tls.noTLSTickets = false
        case "strict-sni": tls.strictSNI = true
        default: break
        }
    }

    /// A relative path starts from `base` when one is set, as HAProxy resolves `crt` and `ca-file`.
    static func resolve(_ path: String, against base: String?) -> String {
        guard let base, !path.hasPrefix("/") else { return path }
        return base.hasSuffix("/") ? base + path : base + "/" + path
    }
}
