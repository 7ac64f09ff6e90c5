/// Syslog facilities by HAProxy's names (`local0` = 16); PRI = facility * 8 + level.
public enum SyslogFacility: Int, Sendable, CaseIterable {
    case kern = 0, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, auth2, ftp, ntp, audit, alert, cron2
    case local0, local1, local2, local3, local4, local5, local6, local7

    public init?(name: String) {
        guard let index = Self.names.firstIndex(of: name) else { return nil }
        self.init(rawValue: index)
    }

    public var name: String { Self.names[rawValue] }

    static let names = ["kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "auth2",
                        "ftp", "ntp", "audit", "alert", "cron2", "local0", "local1", "local2", "local3", "local4",
                        "local5", "local6", "local7"]
}

/// Syslog severities; a lower raw value is more severe (`emerg` = 0, `debug` = 7).
public enum SyslogLevel: Int, Sendable, CaseIterable, Comparable {
    case emerg = 0, alert, crit, err, warning, notice, info, debug

    public init?(name: String) {
        guard let index = Self.names.firstIndex(of: name) else { return nil }
        self.init(rawValue: index)
    }

    public var name: String { Self.names[rawValue] }

    public static func < (lhs: SyslogLevel, rhs: SyslogLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    static let names = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"]
}

/// The header put before each message (`log ... format F`).
public enum SyslogFormat: String, Sendable, CaseIterable {
    /// `<PRI>Mmm dd HH:MM:SS tag[pid]: ` (HAProxy's default: for the local syslog daemon, no hostname).
    case local
    /// `<PRI>Mmm dd HH:MM:SS host tag[pid]: `
    case rfc3164
    /// `<PRI>1 ISO-8601 host tag pid - [SD] ` with lb's structured-data element.
    case rfc5424
    /// `<PRI>`
    case priority
    /// `<level>` (a single digit, for systemd's journal on stdout)
    case short
    /// `<level>ISO-8601 `
    case timed
    /// `ISO-8601 `
    case iso
    /// Nothing: the message alone.
    case raw
    /// lb's file@ default: `Mmm dd HH:MM:SS host tag[pid]: `, the line a syslog daemon writes to its
    /// file (what halog and lblog read by default). Not a `format` keyword of HAProxy.
    case file
}
