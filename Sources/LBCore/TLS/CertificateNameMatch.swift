/// Whether a server's certificate is for the name lb expects (the SNI it sent, or `verifyhost`), by the
/// rules HAProxy applies (RFC 6125 §6.4.3): names compare without case; a `*` may stand for part or all
/// of the leftmost label only, never for a dot, and only when the other labels match exactly.
public enum CertificateNameMatch {
    /// True when one of `names` (the certificate's DNS subject alternative names, then its common names,
    /// as HAProxy tries them) matches `hostname`.
    public static func matches(_ names: [String], hostname: String) -> Bool {
        names.contains { matches(pattern: $0, hostname: hostname) }
    }

    public static func matches(pattern: String, hostname: String) -> Bool {
        let pattern = Array(pattern.lowercased().utf8), host = Array(hostname.lowercased().utf8)
        if pattern == host { return true }
        // The leftmost label of the pattern, and its wildcard if any (at most one).
        guard let patternDot = pattern.firstIndex(of: UInt8(ascii: ".")) else { return false }
        let leftLabel = pattern[..<patternDot]
        guard let star = leftLabel.firstIndex(of: UInt8(ascii: "*")),
              leftLabel.lastIndex(of: UInt8(ascii: "*")) == star else { return false }
        // Every label but the leftmost matches exactly.
        guard let hostDot = host.firstIndex(of: UInt8(ascii: ".")), pattern[patternDot...] == host[hostDot...] else {
            return false
        }
        // The host's leftmost label holds the text around the wildcard (which may match nothing).
        let prefix = leftLabel[..<star], suffix = leftLabel[(star + 1)...]
        let hostLabel = host[..<hostDot]
        guard hostLabel.count >= prefix.count + suffix.count else { return false }
        return hostLabel.starts(with: prefix) && hostLabel.reversed().starts(with: suffix.reversed())
    }
}
