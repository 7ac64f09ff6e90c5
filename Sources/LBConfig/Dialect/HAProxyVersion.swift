/// A version as HAProxy writes it (`2.6`, `2.4.18`, `2.5-dev0`, `1.3.16-rc1`, `2.4-dev18-f6818d-20`),
/// ordered the way `version_atleast()` and `version_before()` order them.
///
/// Up to four dotted numbers (missing ones are zero, so `2.6` equals `2.6.0`), then an optional tag:
/// `dev` sorts before `rc` and `pre` (which are equal), and those before a release; then the tag's number,
/// then a commit count taken from the last `-` part. So `2.5-dev0` < `2.5-rc1` < `2.5` < `2.5.1`.
public struct HAProxyVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The parts in comparison order: four numbers, the tag's rank (dev 1, rc/pre 2, release 3), its
    /// number, the commit count.
    let parts: [UInt64]
    public let description: String

    /// Nil when `text` is not a version: it must start with a number, and the dotted part may only be
    /// followed by `-` and a tag.
    public init?(_ text: String) {
        var parts: [UInt64] = [0, 0, 0, 0, 3, 0, 0]
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        var index = 0
        // The dotted numbers. A part that is not a number counts as zero, as C's strtol reads it; what
        // follows it must still be '.', '-' or the end.
        while true {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            parts[index] = UInt64(digits) ?? 0
            rest = rest.dropFirst(digits.count)
            guard let next = rest.first else {
                self.parts = parts
                self.description = text
                return
            }
            rest = rest.dropFirst()
            if next == "-" { break }
            guard next == ".", index < 3 else { return nil }
            index += 1
        }
        // The tag, then its number; anything else is a commit count (or a hash, which counts as zero).
        var tagged = false
        for (tag, rank) in [("dev", UInt64(1)), ("rc", 2), ("pre", 2)] where rest.hasPrefix(tag) {
            parts[4] = rank
            rest = rest.dropFirst(tag.count)
            tagged = true
            break
        }
        if tagged {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            parts[5] = UInt64(digits) ?? 0
            rest = rest.dropFirst(digits.count)
            if rest.isEmpty {
                self.parts = parts
                self.description = text
                return
            }
            guard rest.first == "-" else { return nil }
            rest = rest.dropFirst()
        }
        // `2.4-dev18-f6818d-20`: the commit count is after the last '-'.
        let last = rest.split(separator: "-", omittingEmptySubsequences: false).last ?? rest
        if rest.contains("-"), last.isEmpty { return nil }
        parts[6] = UInt64(last) ?? 0
        self.parts = parts
        self.description = text
    }

    public static func < (lhs: HAProxyVersion, rhs: HAProxyVersion) -> Bool {
        lhs.parts.lexicographicallyPrecedes(rhs.parts)
    }

    public static func == (lhs: HAProxyVersion, rhs: HAProxyVersion) -> Bool { lhs.parts == rhs.parts }

    public func hash(into hasher: inout Hasher) { hasher.combine(parts) }
}
