/// One answer of a server's agent (`agent-check`): a line of words separated by spaces, tabs or commas,
/// read up to the first line end or NUL, and optionally ending with `#` and a free description. Words
/// compare without case; of each kind the last one written counts.
///
/// - `up`, or `down` / `stopped` / `fail`: the server's health.
/// - `ready`, `drain`, `maint`: its administrative mode.
/// - `N%`: its weight relative to the configured one.
/// - `maxconn:N`: its connection limit.
/// What the agent does not mention stays as it was.
public struct AgentReply: Sendable, Hashable {
    public enum Health: String, Sendable, Hashable {
        case up, down, stopped, fail
    }

    public enum Admin: String, Sendable, Hashable {
        case ready, drain, maint
    }

    public var health: Health?
    public var admin: Admin?
    /// The weight word as written (`75%`), resolved against the configured weight by `WeightRequest`.
    public var weight: Substring?
    /// The value after `maxconn:`.
    public var maxConnections: Substring?
    /// The first word that means nothing, reported as the agent's error.
    public var firstUnknownWord: Substring?
    /// The text after `#`, leading blanks removed; empty when there is none.
    public var description: Substring

    public init(_ text: Substring) {
        let line = text.prefix { !$0.isNewline && $0 != "\0" }
        var rest = line[...]
        description = ""
        while let first = rest.first {
            if first == " " || first == "\t" || first == "," {
                rest = rest.dropFirst()
                continue
            }
            if first == "#" {
                description = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
                break
            }
            let word = rest.prefix { $0 != " " && $0 != "\t" && $0 != "," }
            rest = rest.dropFirst(word.count)
            let lower = word.lowercased()
            if let health = Health(rawValue: lower) {
                self.health = health
            } else if let admin = Admin(rawValue: lower) {
                self.admin = admin
            } else if word.first?.isASCII == true, word.first?.isNumber == true, word.contains("%") {
                weight = word
            } else if lower.hasPrefix("maxconn:") {
                maxConnections = word.dropFirst("maxconn:".count)
            } else if firstUnknownWord == nil {
                firstUnknownWord = word
            }
        }
    }

    /// Whether the agent said the server is up (true), down (false), or nothing about its health (nil).
    public var isUp: Bool? { health.map { $0 == .up } }

    /// The text state-change messages and `last_agt` carry when the agent gave a health word: the word, then
    /// the description or else `warning`, in parentheses.
    public func report(warning: String?) -> String? {
        guard let health else { return nil }
        let note = description.isEmpty ? warning ?? "" : String(description)
        return "via agent : \(health.rawValue)" + (note.isEmpty ? "" : " (\(note))")
    }
}
