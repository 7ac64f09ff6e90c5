/// Traffic-based health of a server: `observe`, `error-limit`, `on-error`, `on-marked-down` and
/// `on-marked-up`. The first three only act with `observe` and `check` both set; the last two act on every
/// change of the server's health, whatever caused it.
public struct TrafficObservation: Sendable, Hashable {
    /// `observe layer4|layer7`: which exchanges count as errors (nil: traffic is not observed).
    public enum Layer: String, Sendable, Hashable, CaseIterable {
        /// Connections: a failed connect is an error, a successful one a success.
        case layer4
        /// HTTP responses too: a 5xx other than 501 and 505, or an invalid or missing response, is an error.
        case layer7
    }

    /// `on-error`: what `error-limit` consecutive errors do.
    public enum OnError: String, Sendable, Hashable, CaseIterable {
        /// Only check sooner (at `fastinter`).
        case fastInter = "fastinter"
        /// Count as one failed health check (the default).
        case failCheck = "fail-check"
        /// Leave the server one failed check away from DOWN, then count one failed check.
        case suddenDeath = "sudden-death"
        /// Mark the server DOWN at once.
        case markDown = "mark-down"
    }

    public var layer: Layer?
    /// `error-limit`: consecutive errors that trigger `on-error` (HAProxy's default: 10).
    public var errorLimit = 10
    public var onError = OnError.failCheck
    /// `on-marked-down shutdown-sessions`: cut the server's sessions when it goes DOWN.
    public var shutdownSessionsOnDown = false
    /// `on-marked-up shutdown-backup-sessions`: cut the backup servers' sessions when this one comes UP.
    public var shutdownBackupSessionsOnUp = false

    public init() {}
}
