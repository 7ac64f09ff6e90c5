extension HTMLRenderer {
    /// The LastChk cell: the check's status, code and duration (`L7STS/500 in 3ms`), then the agent's, each
    /// with its reason as the tooltip, as HAProxy's page shows them, and the reason written out when the
    /// verdict is a failure, so that a server taken out says why without hovering.
    static func lastCheck(_ server: ServerSnapshot) -> String {
        var parts: [String] = []
        if server.status.checked, let status = server.checkStatus {
            parts.append(cell(status, code: server.checkCode, duration: server.checkDuration,
                              reason: server.checkDescription, info: server.lastCheckInfo, passed: status.hasSuffix("OK")))
        }
        if let agent = server.agent, let status = agent.status {
            parts.append("agent: " + cell(status, code: agent.code, duration: agent.duration, reason: agent.description,
                                          info: agent.info, passed: status == "L7OK" || status == "CHECKED"))
        }
        return parts.joined(separator: "<br>")
    }

    private static func cell(_ status: String, code: Int?, duration: Int?, reason: String?, info: String?, passed: Bool) -> String {
        let text = status + (code.map { "/\($0)" } ?? "") + (duration.map { " in \($0)ms" } ?? "")
        let why = [reason, info].compactMap { $0 }.joined(separator: ": ")
        var html = "<span title=\"\(HTMLEscape.escape(why))\">\(HTMLEscape.escape(text))</span>"
        if !passed, !why.isEmpty { html += " <small>\(HTMLEscape.escape(why))</small>" }
        return html
    }
}
