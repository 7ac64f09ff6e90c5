/// A server's state change as HAProxy and lb write it to the log, read back from the line: "Server
/// be/web1 is DOWN, reason: Layer4 connection problem, ...", "... is UP ...", "... is going DOWN for
/// maintenance", "... enters drain state", "... was DOWN and now enters maintenance".
public struct ServerStateEvent: Sendable, Equatable, Codable {
    /// The time from the line's syslog header as written there; empty when the line has none.
    public var time: String
    /// `backend/server`.
    public var server: String
    /// DOWN, UP, MAINT or DRAIN.
    public var state: String
    /// Why, as the line gives it: the check's reason and details, or the operator's action.
    public var reason: String

    public init(time: String, server: String, state: String, reason: String) {
        self.time = time
        self.server = server
        self.state = state
        self.reason = reason
    }

    public static func parse(_ line: String) -> ServerStateEvent? {
        var copy = line
        return copy.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return nil }
            return parse(base, count: buffer.count)
        }
    }

    /// Reads the `count` bytes at `p`; nil when they are not a server state change.
    public static func parse(_ p: UnsafePointer<UInt8>, count: Int) -> ServerStateEvent? {
        let line = String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self)
        let header = SyslogPrefix.locate(p, count: count)
        let headerText = String(decoding: UnsafeBufferPointer(start: p, count: header.messageStart), as: UTF8.self)
        var message = Substring(line.utf8.dropFirst(header.messageStart))
        if message.hasPrefix("Backup ") { message = message.dropFirst("Backup ".count) }
        guard message.hasPrefix("Server ") else { return nil }
        message = message.dropFirst("Server ".count)
        guard let nameEnd = message.firstIndex(of: " ") else { return nil }
        let server = String(message[..<nameEnd])
        guard server.contains("/") else { return nil }
        let rest = message[message.index(after: nameEnd)...]
        let states: [(prefix: String, state: String)] = [
            ("is going DOWN for maintenance", "MAINT"), ("was DOWN and now enters maintenance", "MAINT"),
            ("enters maintenance", "MAINT"), ("enters drain state", "DRAIN"), ("is DOWN", "DOWN"), ("is UP", "UP"),
        ]
        guard let state = states.first(where: { rest.hasPrefix($0.prefix) })?.state else { return nil }
        return ServerStateEvent(time: timestamp(headerText), server: server, state: state, reason: reason(rest))
    }

    /// The reason after "reason: " up to the check duration or the counts that follow, else what the
    /// message gives in parentheses ("leaving forced maintenance"), else nothing.
    static func reason(_ rest: Substring) -> String {
        if let start = rest.range(of: "reason: ") {
            var text = rest[start.upperBound...]
            for end in [", check duration", ". "] {
                if let found = text.range(of: end) { text = text[..<found.lowerBound] }
            }
            return String(text.hasSuffix(".") ? text.dropLast() : text)
        }
        if let open = rest.firstIndex(of: "("), let close = rest[open...].firstIndex(of: ")") {
            return String(rest[rest.index(after: open)..<close])
        }
        return ""
    }

    /// The timestamp in a syslog header: RFC 3164's "Mmm dd HH:MM:SS", or RFC 5424's or an ISO date's
    /// first token.
    static func timestamp(_ header: String) -> String {
        var text = Substring(header)
        if text.hasPrefix("<"), let close = text.firstIndex(of: ">") { text = text[text.index(after: close)...] }
        if text.hasPrefix("1 ") { text = text.dropFirst(2) }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        if months.contains(where: { text.hasPrefix($0 + " ") }), text.count >= 15 { return String(text.prefix(15)) }
        return String(text.prefix { $0 != " " })
    }
}
