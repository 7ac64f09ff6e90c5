/// One piece of a log-format string, as `LogFormatLexer` cuts it. A `%` item arrives as its modifiers
/// (`flags`, `name`, in the order written) followed by its `variable` or `sample`.
public enum LogFormatToken: Sendable, Hashable {
    /// Text printed as written, `%%` already turned into `%`; never empty, never holds a space.
    case literal([UInt8])
    /// A run of spaces. Logs print it as one separator, however many spaces it has.
    case spaces(Int)
    /// `%{...}`: formatting flags such as `+Q,-X`, as written between the braces.
    case flags(String)
    /// `%(...)`: the item's name in structured output, `name` or `name:type`, as written between the
    /// parentheses.
    case name(String)
    /// `%xx`: a variable's name, letters and digits only, so `%cp_%fi` is `%cp`, `_`, `%fi`. Empty when
    /// the `%` (and its modifiers) is followed by anything else.
    case variable(String)
    /// `%[...]`: a sample expression (fetch and converters), as written between the brackets.
    case sample(String)
}
