import LBConfig

/// The type of a sample, which picks an ACL's default match method.
enum SampleType: Sendable, Hashable {
    case boolean
    case integer
    case address
    case string
}

/// One value produced by a fetch (and its converters). Strings are usually slices of the request head,
/// so producing them does not allocate.
enum SampleValue {
    case boolean(Bool)
    case integer(Int)
    case address(IPAddress)
    case string(Substring)

    /// The value as text, as templates and string matchers see it.
    var text: Substring {
        switch self {
        case .string(let value): value
        case .integer(let value): Substring(String(value))
        case .address(let value): Substring(value.description)
        case .boolean(let value): value ? "1" : "0"
        }
    }

    /// The value as an integer: strings are parsed as a leading optionally signed decimal number.
    var integer: Int? {
        switch self {
        case .integer(let value): return value
        case .boolean(let value): return value ? 1 : 0
        case .address: return nil
        case .string(let value):
            var digits = value.trimmingASCIIBlanks()
            var negative = false
            if let first = digits.first, first == "-" || first == "+" {
                negative = first == "-"
                digits = digits.dropFirst()
            }
            let number = digits.prefix { $0.isASCII && $0.isNumber }
            guard !number.isEmpty, let parsed = Int(number) else { return nil }
            return negative ? -parsed : parsed
        }
    }

    var address: IPAddress? {
        switch self {
        case .address(let value): value
        case .string(let value): IPAddress(value.trimmingASCIIBlanks())
        default: nil
        }
    }

    var boolean: Bool {
        switch self {
        case .boolean(let value): value
        case .integer(let value): value != 0
        case .address: true
        case .string(let value): !value.isEmpty
        }
    }
}

/// Live server counts for `nbsrv(backend)`, supplied by the data plane which knows health and admin states.
public protocol UsableServerCounts {
    /// Number of servers of the backend at `backendIndex` that may take traffic now.
    func usableServers(inBackend backendIndex: Int) -> Int
}

/// What fetches read: the request head (nil for a TCP connection), the connection, and while
/// `http-response` rules run, the response.
struct SampleContext {
    var head: HTTPRequestHead?
    var connection: ConnectionInfo
    var serverCounts: (any UsableServerCounts)?
    var response: HTTPResponseFacts? = nil
    /// The request's unique id (`unique-id-format`), for the `unique-id` fetch.
    var uniqueID: String? = nil
    /// The session's stick counters, for `sc_*`, `src_*` and `table_*` (nil when the proxy has none).
    var stickCounters: (any StickCounterAccess)? = nil
}
