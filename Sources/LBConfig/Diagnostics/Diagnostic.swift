/// Where a piece of configuration came from: the file and the 1-based line (and column when known).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int?

    public init(file: String, line: Int, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String {
        if let column { return "\(file):\(line):\(column)" }
        return "\(file):\(line)"
    }
}

/// One finding about a configuration, printed by `lb -c` as `FILE:LINE: error|warning|notice|diag: message`.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
        /// Information the configuration asked to print (`.notice`); never a problem.
        case notice
        /// Shown only in diagnostic mode (`lb -dD`), as HAProxy's `.diag` messages are.
        case diagnostic = "diag"
    }

    public var severity: Severity
    public var location: SourceLocation
    /// Words past 80 characters (quoted) or 200 (unquoted) are shortened here and in the hint (`shorteningLongWords`).
    public var message: String
    /// What the user can do about it, printed on its own line after the message.
    public var hint: String?

    public init(_ severity: Severity, at location: SourceLocation, _ message: String, hint: String? = nil) {
        self.severity = severity
        self.location = location
        self.message = Self.shorteningLongWords(message)
        self.hint = hint.map(Self.shorteningLongWords)
    }

    public static func error(_ message: String, at location: SourceLocation, hint: String? = nil) -> Diagnostic {
        Diagnostic(.error, at: location, message, hint: hint)
    }

    public static func warning(_ message: String, at location: SourceLocation, hint: String? = nil) -> Diagnostic {
        Diagnostic(.warning, at: location, message, hint: hint)
    }

    public var description: String {
        var text = "\(location.file):\(location.line): \(severity.rawValue): \(message)"
        if let hint { text += "\n    hint: \(hint)" }
        return text
    }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }
}
