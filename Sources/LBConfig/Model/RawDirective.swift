/// A keyword line lb accepts but does not apply yet, kept as written so a later feature (or `lb -c`) can
/// use it without parsing the file again. Example: `cookie SERVERID insert indirect nocache`.
public struct RawDirective: Sendable, Hashable {
    /// The keyword phrase from the table of keywords not yet applied, e.g. `cookie` or `option logasap`.
    public var keyword: String
    /// Every word of the line, the keyword included.
    public var words: [String]
    public var location: SourceLocation

    public init(keyword: String, words: [String], location: SourceLocation) {
        self.keyword = keyword
        self.words = words
        self.location = location
    }
}

/// `capture request header NAME len N`, `capture response header NAME len N`, `capture cookie NAME len N`.
public struct CaptureDeclaration: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case requestHeader = "request header"
        case responseHeader = "response header"
        case cookie
    }
    public var kind: Kind
    /// The header name, or for a cookie the cookie name prefix.
    public var name: String
    /// The most bytes of the value kept.
    public var length: Int
    public var location: SourceLocation

    public init(kind: Kind, name: String, length: Int, location: SourceLocation) {
        self.kind = kind
        self.name = name
        self.length = length
        self.location = location
    }
}
