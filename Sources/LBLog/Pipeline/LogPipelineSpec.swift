#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One `log` line of the configuration: `log TARGET [len N] [format F] FACILITY [MAXLEVEL [MINLEVEL]]`.
public struct LogTargetSpec: Sendable, Equatable {
    /// As written: `127.0.0.1:514`, `[::1]:514`, `udp@host:port`, `/dev/log`, `unix@/path`, `stdout`,
    /// `stderr`, `fd@N`, `tcp@host:port`, `file@/path` (see ``FileSinkOptions`` for its options).
    public var target: String
    public var facility: SyslogFacility
    /// nil: `file` for file@ targets, `rfc3164` when a hostname is sent, else `local` (HAProxy's default).
    public var format: SyslogFormat?
    /// `len`: a message (header included) is cut to `len - 1` bytes plus `\n` (a JSON one keeps its shape:
    /// see `JSONLineFitter`). nil: 1024 for sockets (8192 for JSON loggers, whose every key alone takes
    /// about 900 bytes), no limit for stdout, stderr and files.
    public var length: Int?
    /// Messages less important than `maxLevel` are not sent; more important than `minLevel` are sent
    /// at `minLevel`.
    public var maxLevel: SyslogLevel
    public var minLevel: SyslogLevel
    /// `key=value` options of file@ targets.
    public var options: [String: String]

    public init(_ target: String, facility: SyslogFacility = .local0, format: SyslogFormat? = nil, length: Int? = nil,
                maxLevel: SyslogLevel = .debug, minLevel: SyslogLevel = .emerg, options: [String: String] = [:]) {
        self.target = target
        self.facility = facility
        self.format = format
        self.length = length
        self.maxLevel = maxLevel
        self.minLevel = minLevel
        self.options = options
    }
}

/// The line format of a logger.
public enum LogLineFormat: Sendable, Hashable {
    case httplog, tcplog, httplogCLF
    /// lb's JSON lines (``JSONRecordFormat``).
    case json
    /// A compiled `log-format` string.
    case custom(LogFormat)

    /// Lines are JSON objects (`option httplog json`, or a `log-format` with the JSON modifier).
    public var isJSON: Bool {
        switch self {
        case .json: true
        case .custom(let format): format.isJSON
        case .httplog, .tcplog, .httplogCLF: false
        }
    }
}

/// A set of targets with one line format: a proxy's `log` lines (after `log global` was expanded) and
/// its format, or the global loggers used for events.
public struct LoggerSpec: Sendable {
    public var name: String
    public var format: LogLineFormat
    public var targets: [LogTargetSpec]
    /// `log-tag` of the proxy; nil = the pipeline's tag.
    public var tag: String?

    public init(name: String, format: LogLineFormat = .httplog, targets: [LogTargetSpec], tag: String? = nil) {
        self.name = name
        self.format = format
        self.targets = targets
        self.tag = tag
    }
}

public struct LogPipelineConfiguration: Sendable {
    public var loggers: [LoggerSpec]
    /// `log-tag` (global): the default tag.
    public var tag: String
    /// `log-send-hostname`: nil = not sent.
    public var hostname: String?
    public var pid: Int
    /// The bound in bytes of each logging thread's ring (one per event loop): beyond it records are
    /// dropped and counted (and tcp@ targets buffer at most this much while their peer is down).
    public var queueCapacityBytes: Int
    /// Told once per failure of a target (unwritable file, unreachable peer), from the writer thread.
    public var onError: (@Sendable (String) -> Void)?

    public init(loggers: [LoggerSpec], tag: String = "lb", hostname: String? = nil, pid: Int = Int(getpid()),
                queueCapacityBytes: Int = 16 << 20, onError: (@Sendable (String) -> Void)? = nil) {
        self.loggers = loggers
        self.tag = tag
        self.hostname = hostname
        self.pid = pid
        self.queueCapacityBytes = queueCapacityBytes
        self.onError = onError
    }
}

/// A configuration the pipeline cannot carry out (bad target, bad file@ option, unresolvable host).
public struct LogPipelineError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// Names a logger of the pipeline; obtained once at configuration time, then passed with each record.
public struct LogHandle: Sendable, Hashable {
    /// The position of the logger in `LogPipelineConfiguration.loggers`.
    public let index: Int
    public init(index: Int) { self.index = index }
}

extension LogTargetSpec {
    /// From the words of a `log` directive as the configuration keeps them (names, not enums): unknown
    /// facility, level or format names are errors.
    public init(target: String, facilityName: String, formatName: String? = nil, length: Int? = nil,
                maxLevelName: String? = nil, minLevelName: String? = nil, options: [String: String] = [:]) throws(LogPipelineError) {
        guard let facility = SyslogFacility(name: facilityName) else {
            throw LogPipelineError(message: "unknown syslog facility '\(facilityName)'")
        }
        var format: SyslogFormat?
        if let formatName {
            guard let parsed = SyslogFormat(rawValue: formatName) else {
                throw LogPipelineError(message: "unknown log format '\(formatName)'")
            }
            format = parsed
        }
        func level(_ name: String?, _ fallback: SyslogLevel) throws(LogPipelineError) -> SyslogLevel {
            guard let name else { return fallback }
            guard let level = SyslogLevel(name: name) else { throw LogPipelineError(message: "unknown syslog level '\(name)'") }
            return level
        }
        self.init(target, facility: facility, format: format, length: length,
                  maxLevel: try level(maxLevelName, .debug), minLevel: try level(minLevelName, .emerg), options: options)
        _ = try LogTargetAddress.parse(target)
        if case .file = try LogTargetAddress.parse(target) { _ = try FileSinkOptions(options) }
    }
}
