/// Why a log-format string cannot be cut into tokens. Each compiler words it for its own diagnostics.
public enum LogFormatLexError: Error, Sendable, Equatable {
    /// The string ends with a `%` that is not part of `%%`.
    case lonePercent
    /// `%{` without its `}`.
    case unterminatedFlags
    /// `%(` without its `)`.
    case unterminatedName
    /// `%[` without its `]`.
    case unterminatedSample
    /// The string ends after `%{...}` or `%(...)`: no variable or sample follows.
    case missingItem
}
