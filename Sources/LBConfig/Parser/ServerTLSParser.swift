/// The TLS options of `server` and `default-server` lines (`ssl`, `verify`, `ca-file`, `sni`, `check-ssl`...).
enum ServerTLSParser {
    /// TLS options followed by a value.
    static let valued: Set<String> = [
        "verify", "ca-file", "crt", "sni", "verifyhost", "alpn", "ssl-min-ver", "ssl-max-ver", "ciphers",
        "ciphersuites", "curves", "crl-file", "check-sni",
    ]
    /// TLS options that stand alone.
    static let flags: Set<String> = [
        "ssl", "no-ssl", "check-ssl", "no-check-ssl", "no-verifyhost", "ssl-reuse", "no-ssl-reuse", "tls-tickets",
        "no-tls-tickets", "no-sslv3", "no-tlsv10", "no-tlsv11", "no-tlsv12", "no-tlsv13", "force-sslv3",
        "force-tlsv10", "force-tlsv11", "force-tlsv12", "force-tlsv13",
    ]
    static var keywords: Set<String> { valued.union(flags) }

    /// Applies `option` (the word before `index`); for an option with a value, reads it at `index` and
    /// steps past it. Nil when `option` is not a TLS option; false when its value is invalid (reported).
    static func apply(_ option: String, _ directive: Directive, at index: inout Int, to tls: inout ServerTLS,
                      context: inout ParseContext) -> Bool? {
        if flags.contains(option) {
            flag(option, to: &tls)
            return true
        }
        guard valued.contains(option) else { return nil }
        guard let value = context.argument(directive, index, option, "a value") else { return false }
        let location = directive.location(of: index)
        index += 1
        let defaults = context.tlsDefaults
        switch option {
        case "verify":
            guard let verify = ServerTLS.Verify(rawValue: value) else {
                context.error("'verify' expects none or required, not '\(value)'", at: location)
                return false
            }
            tls.verify = verify
        case "ca-file":
            tls.caFile = BindTLSParser.resolve(value, against: defaults.caBase)
        case "crt":
            tls.certificate = BindTLSParser.resolve(value, against: defaults.certificateBase)
        case "sni":
            tls.serverName = value
        case "verifyhost":
            tls.verifyHost = value
        case "check-sni":
            tls.checkServerName = value
        case "alpn":
            tls.alpn = value.split(separator: ",").map(String.init)
        case "ssl-min-ver", "ssl-max-ver":
            guard let version = TLSProtocolVersion(rawValue: value) else {
                context.error("unknown TLS version '\(value)'", at: location,
                              hint: "expected one of: " + TLSProtocolVersion.allCases.map(\.rawValue).joined(separator: ", "))
                return false
            }
            if option == "ssl-min-ver" { tls.minVersion = version } else { tls.maxVersion = version }
        case "ciphers":
            tls.ciphers = value
        case "curves":
            tls.curves = value
        case "ciphersuites":
            context.warning("'ciphersuites' is not applied: BoringSSL's TLS 1.3 suites are fixed", at: location)
        case "crl-file":
            context.warning("'crl-file' is not applied: a revoked server certificate is not refused", at: location)
        default:
            return nil
        }
        return true
    }

    private static func flag(_ word: String, to tls: inout ServerTLS) {
        if TLSVersionFlags.apply(word, minimum: &tls.minVersion, maximum: &tls.maxVersion) { return }
        switch word {
        case "ssl": tls.enabled = true
        case "no-ssl": tls.enabled = false
        case "check-ssl": tls.checkSSL = true
        case "no-check-ssl": tls.checkSSL = false
        case "no-verifyhost": tls.verifyHost = nil
        case "ssl-reuse": tls.sessionReuse = true
        case "no-ssl-reuse": tls.sessionReuse = false
        case "tls-tickets": tls.noTLSTickets = false
        case "no-tls-tickets": tls.noTLSTickets = true
        default: break
        }
    }
}
