/// What the reader made of one line.
public enum LineOutcome: Sendable, Equatable {
    /// A traffic record (HTTP request or TCP session): the entry is filled.
    case record
    /// An empty line (or only spaces/CR).
    case blank
    /// A syslog message that is not a traffic record: a server state change, an alert, a startup notice.
    case event
    /// The line could not be read; the reason says which field was wrong.
    case invalid(LineError)
}

/// Why a line was not understood. Reported with file and line number, never skipped silently.
public enum LineError: String, Sendable, Equatable, CaseIterable {
    case unknownFormat = "not an httplog, tcplog, CLF or JSON line"
    case missingDate = "no [date] field where expected"
    case badDate = "malformed date"
    case badServer = "backend/server field without '/'"
    case badTimers = "timers field is not 3 or 5 numbers separated by '/'"
    case badStatus = "malformed status code"
    case badNumber = "malformed number"
    case truncated = "line ends before the last expected field"
    case badJSON = "malformed JSON object"
    case badQuotedField = "CLF field is not a quoted string (or its closing quote is missing)"
}
