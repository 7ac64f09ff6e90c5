/// The `global` section.
public struct GlobalSettings: Sendable {
    /// Process-wide connection limit (`maxconn`); HAProxy's default without a setting is derived from
    /// the file-descriptor limit, lb uses 4096.
    public var maxConnections: Int = 4096
    /// Number of event loops (`nbthread`); nil means one per core.
    public var threads: Int?
    /// `noepoll`: connections are served by SwiftNIO's event loops instead of lb's own epoll loops.
    public var noEpoll = false
    public var logTargets: [LogTarget] = []
    public var logTag: String?
    /// `log-send-hostname [NAME]`: nil when absent; an empty string means "the system host name".
    public var logSendHostname: String?
    public var statsSockets: [StatsSocket] = []
    public var pidFile: String?
    public var daemon: Bool = false
    /// `master-worker`: run as a master process that starts a worker and reloads it on SIGUSR2 (`-W`).
    public var masterWorker: Bool = false
    public var user: String?
    public var group: String?
    public var chroot: String?
    /// `tune.bufsize`: the largest request or response head accepted, in bytes.
    public var bufferSize: Int = 16384
    /// `tune.http.maxhdr`: the most header lines in one request or response.
    public var maxHeaders: Int = 101
    /// `ulimit-n`: the file-descriptor limit to set at start.
    public var fileDescriptorLimit: Int?
    /// Grace period for in-flight work on stop (`grace` / `hard-stop-after`), in milliseconds.
    public var hardStopAfter: Int?
    /// `uid N` and `gid N` (numeric forms of `user` and `group`).
    public var uid: Int?
    public var gid: Int?
    /// `stats timeout`: idle timeout of runtime API connections, in milliseconds.
    public var statsTimeout: Int?
    /// `ssl-server-verify`: whether servers' certificates are verified when a server line does not say
    /// (`verify`). HAProxy's default is required.
    public var serverVerify: ServerTLS.Verify = .required
    /// `server-state-file`: the state file backends with `load-server-state-from-file global` read at
    /// start; `server-state-base`: the directory of relative state file names.
    public var serverStateFile: String?
    public var serverStateBase: String?
    /// Global lines lb accepts but does not apply yet, as written.
    public var unappliedDirectives: [RawDirective] = []

    public init() {}
}

/// `stats socket PATH [mode M] [level user|operator|admin]`.
public struct StatsSocket: Sendable, Hashable {
    public enum Level: String, Sendable, Hashable { case user, `operator`, admin }
    public var path: String
    /// `stats socket fd@N`: an inherited listening socket rather than a path to create.
    public var descriptor: Int32?
    /// File mode bits, e.g. 0o600.
    public var mode: UInt32?
    public var level: Level
    /// `expose-fd listeners`: a new lb started with `-x` may take the listening sockets over this socket.
    public var exposesListeners = false
    public var location: SourceLocation
    public init(path: String, mode: UInt32? = nil, level: Level = .operator, location: SourceLocation) {
        self.path = path
        self.mode = mode
        self.level = level
        self.location = location
    }
}

/// One `log` line: `log TARGET [len N] [format F] FACILITY [MAXLEVEL [MINLEVEL]]`.
public struct LogTarget: Sendable, Hashable {
    /// The target as written (`127.0.0.1:514`, `/dev/log`, `stdout`, `tcp@host:port`, `file@/path`...).
    public var target: String
    /// `len`; nil when not written, so that the pipeline applies the target's default: 1024 bytes for a
    /// socket (8192 for a JSON logger, whose keys alone fill most of 1024), no limit for stdout and files.
    public var length: Int?
    public var format: String?
    public var facility: String
    public var maxLevel: String?
    public var minLevel: String?
    /// Options written after the target that a later feature interprets (`file@` rotation settings).
    public var extraOptions: [String: String] = [:]
    public var location: SourceLocation

    public init(target: String, facility: String, location: SourceLocation) {
        self.target = target
        self.facility = facility
        self.location = location
    }
}
