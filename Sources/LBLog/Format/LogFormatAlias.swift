/// The `%xx` variables of a `log-format` string (HAProxy configuration manual §8.2.6), by their alias.
public enum LogFormatAlias: String, Sendable, CaseIterable {
    // Client, frontend, backend, server
    case clientIP = "ci", clientPort = "cp", frontendIP = "fi", frontendPort = "fp"
    case frontend = "f", frontendTransport = "ft", frontendConnections = "fc"
    case backend = "b", backendSourceIP = "bi", backendSourcePort = "bp", backendConnections = "bc"
    case server = "s", serverIP = "si", serverPort = "sp", serverConnections = "sc"
    case activeConnections = "ac", retries = "rc", serverQueue = "sq", backendQueue = "bq"
    // Dates
    case acceptDate = "t", requestDate = "tr", requestDateCLFUTC = "trg", requestDateCLFLocal = "trl"
    case acceptDateCLFUTC = "T", acceptDateCLFLocal = "Tl", acceptUnixSeconds = "Ts", acceptMilliseconds = "ms"
    // Timers
    case timeHandshake = "Th", timeIdle = "Ti", timeRequest = "TR", timeRequestTotal = "Tq"
    case timeQueue = "Tw", timeConnect = "Tc", timeResponse = "Tr", timeData = "Td"
    case timeActive = "Ta", timeTotal = "Tt", timeTotalActive = "Tu"
    // Response and session
    case status = "ST", bytesToClient = "B", bytesFromClient = "U"
    case requestCookie = "CC", responseCookie = "CS", terminationState = "ts", terminationStateCookies = "tsc"
    // Request
    case requestLine = "r", method = "HM", uri = "HU", path = "HP", pathOnly = "HPO", query = "HQ", version = "HV"
    // Captures
    case requestHeaders = "hr", responseHeaders = "hs", requestHeadersCLF = "hrl", responseHeadersCLF = "hsl"
    // Miscellaneous
    case uniqueID = "ID", hostname = "H", pid = "pid", requestCounter = "rt", logCounter = "lc"
    case sslVersion = "sslv", sslCipher = "sslc"
}

/// Per-item flags, written `%{+Q,-X}` before an item (or before `o` to apply to every later item).
public struct LogFormatFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// `Q`: strings are enclosed in double quotes.
    public static let quote = LogFormatFlags(rawValue: 1)
    /// `X`: numbers in upper-case hexadecimal.
    public static let hex = LogFormatFlags(rawValue: 2)
    /// `E`: `"`, `\` and `]` are backslash-escaped (for RFC 5424 structured data).
    public static let escape = LogFormatFlags(rawValue: 4)
    /// `json`: the whole line becomes one JSON object of the named items (HAProxy 3).
    public static let json = LogFormatFlags(rawValue: 8)
}

/// The type forced on a named item in JSON mode: `%(name:sint)X`.
public enum LogItemType: String, Sendable, Hashable {
    case string = "str", integer = "sint", boolean = "bool"
}
