/// A compiled `log-format` string: immutable and `Sendable`, compiled once at configuration time and
/// rendered per record by any thread into a caller-owned byte buffer.
///
/// Syntax (HAProxy's): literal text; runs of spaces are one *separator*, printed once even when the items
/// around it print nothing (so an absent `%hr` leaves one space, not two); `%%` is `%`; `%xx` an alias of
/// ``LogFormatAlias``; `%{+F,-F}` flags before an item, or `%{+F}o` for every later item; `%(name)xx` or
/// `%(name:sint|str|bool)xx` names an item for JSON output (`%{+json}o`); `%[fetch,conv]` a sample the
/// caller evaluates (see ``sampleExpressions``) and passes pre-rendered to ``render(_:samples:context:into:)``.
public struct LogFormat: Sendable, Hashable {
    enum Node: Sendable, Hashable {
        case literal([UInt8])
        case separator
        case item(LogFormatAlias, Attributes)
        case sample(Int, Attributes)
    }

    struct Attributes: Sendable, Hashable {
        var flags: LogFormatFlags
        var name: String?
        var type: LogItemType?
    }

    let nodes: [Node]
    /// True when `%{+json}o` made the whole line a JSON object.
    public let isJSON: Bool
    /// The `%[...]` expressions, in order of appearance: the caller compiles them with its sample engine
    /// and passes their values, in the same order, to `render`.
    public let sampleExpressions: [String]
    /// The source text.
    public let source: String

    init(nodes: [Node], isJSON: Bool, sampleExpressions: [String], source: String) {
        self.nodes = nodes
        self.isJSON = isJSON
        self.sampleExpressions = sampleExpressions
        self.source = source
    }

    /// True when the format prints `alias`: the data plane keeps some values (the request counter) only
    /// for formats that print them.
    public func uses(_ alias: LogFormatAlias) -> Bool {
        nodes.contains { node in
            if case .item(let used, _) = node { return used == alias }
            return false
        }
    }

    /// The built-in formats (`option httplog`, `option tcplog`, `option httplog clf`, `option httpslog`), compiled.
    public static let httplog = try! LogFormat(BuiltinLogFormats.httplog)
    public static let tcplog = try! LogFormat(BuiltinLogFormats.tcplog)
    public static let httplogCLF = try! LogFormat(BuiltinLogFormats.httplogCLF)
    public static let httpslog = try! LogFormat(BuiltinLogFormats.httpslog)
}

/// HAProxy's built-in format strings.
public enum BuiltinLogFormats {
    public static let httplog =
        "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r"
    /// `option httpslog` (HAProxy 2.5+): httplog, then the connection's errors (connection, TLS, client
    /// certificate, its chain), whether the session was resumed, and SNI/version/cipher.
    public static let httpslog = httplog
        + " %[fc_err]/%[ssl_fc_err,hex]/%[ssl_c_err]/%[ssl_c_ca_err]/%[ssl_fc_is_resumed] %[ssl_fc_sni]/%sslv/%sslc"
    public static let tcplog = "%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq"
    public static let httplogCLF =
        "%{+Q}o %{-Q}ci - - [%trg] %r %ST %B \"\" \"\" %cp %ms %ft %b %s %TR %Tw %Tc %Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl"
}

/// A `log-format` string that does not compile.
public struct LogFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// What a record does not carry but some aliases print: `%H`, `%pid`, and the request/log counters.
/// One per formatting thread (it also caches the formatted date of the current second).
public struct LogRenderContext: Sendable {
    public var hostname: String
    public var pid: Int
    /// `%rt` and `%lc`: set by the caller when it keeps such counters.
    public var requestCounter: Int64 = 0
    public var logCounter: Int64 = 0
    var dateCache = LogDateCache()

    public init(hostname: String = "localhost", pid: Int = 0) {
        self.hostname = hostname
        self.pid = pid
    }
}
