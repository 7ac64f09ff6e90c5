/// Plain-language meaning of the first two termination-state characters (HAProxy's session state at
/// disconnection: who ended it, and in which phase).
public enum TerminationMeaning {
    public static func cause(_ c: Character) -> String {
        switch c {
        case "C": return "client aborted"
        case "S": return "server aborted or refused"
        case "P": return "proxy blocked it (limit, deny, security check)"
        case "L": return "handled locally by the proxy"
        case "R": return "proxy ran out of a resource"
        case "I": return "internal error in the proxy"
        case "D": return "server was marked down"
        case "U": return "backup server cut off (an active server came back)"
        case "K": return "killed by an administrator"
        case "c": return "client timeout"
        case "s": return "server timeout"
        case "-": return "normal end"
        default: return "unknown cause '\(c)'"
        }
    }

    public static func phase(_ c: Character) -> String {
        switch c {
        case "R": return "while waiting for the request"
        case "Q": return "while queued for a server"
        case "C": return "while connecting to the server"
        case "H": return "while waiting for the response headers"
        case "D": return "during the data phase"
        case "L": return "while sending the last data to the client"
        case "T": return "while tarpitted"
        case "-": return ""
        default: return "in unknown phase '\(c)'"
        }
    }

    /// `sH` → "server timeout while waiting for the response headers".
    public static func describe(_ pair: String) -> String {
        let chars = Array(pair)
        guard chars.count >= 2 else { return pair.isEmpty ? "no termination state" : cause(chars[0]) }
        if chars[0] == "-" && chars[1] == "-" { return "normal completion" }
        let phase = phase(chars[1])
        return phase.isEmpty ? cause(chars[0]) : "\(cause(chars[0])) \(phase)"
    }
}
