/// `cookie NAME [rewrite|insert|prefix] [indirect] [nocache] [postonly] [preserve] [httponly] [secure]
/// [domain D]... [maxidle T] [maxlife T] [attr V]...`: cookie-based server persistence.
public struct CookieSettings: Sendable, Hashable {
    public enum Mode: String, Sendable, Hashable {
        /// lb adds `Set-Cookie: NAME=<server cookie>` to responses.
        case insert
        /// lb replaces the value of the server's own cookie NAME.
        case rewrite
        /// lb prefixes the server's own cookie NAME's value with `<server cookie>~`.
        case prefix
    }

    public var name: String
    public var mode: Mode = .rewrite
    /// Do not resend a cookie to a client that already has a valid one; strip it from requests sent on.
    public var indirect = false
    /// Mark responses that set the cookie `Cache-Control: private`.
    public var nocache = false
    /// Insert only on responses to POST requests.
    public var postOnly = false
    /// Keep a cookie the server set itself instead of overwriting it.
    public var preserve = false
    public var httpOnly = false
    public var secure = false
    public var domains: [String] = []
    /// Seconds of inactivity / of age after which a cookie no longer counts (inserted cookies then carry
    /// their last-seen and first-seen dates).
    public var maxIdle: Int?
    public var maxLife: Int?
    public var attributes: [String] = []
    public var location: SourceLocation

    public init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
    }
}
