/// A health check's outcome with HAProxy's status names: what `check_status` shows and what state-change
/// messages give as the reason. The raw values are stored in an atomic per server, so new cases go last.
public enum CheckStatus: Int, Sendable, Hashable {
    case unknown = 0
    case socketError
    case layer4OK
    case layer4Timeout
    case layer4ConnectionProblem
    case layer7OK
    case layer7Timeout
    case layer7InvalidResponse
    case layer7WrongStatus
    // Checks over TLS (`check-ssl`, `tcp-check connect ssl`, `option ssl-hello-chk`): layer 6.
    case layer6OK
    case layer6Timeout
    case layer6InvalidResponse
    // Traffic errors past `error-limit` (`observe`), and an agent answer that changed no health.
    case healthAnalyze
    case checked

    /// The code shown on the stats page and in `show stat` (`check_status`).
    public var name: String {
        switch self {
        case .unknown: "UNK"
        case .socketError: "SOCKERR"
        case .layer4OK: "L4OK"
        case .layer4Timeout: "L4TOUT"
        case .layer4ConnectionProblem: "L4CON"
        case .layer7OK: "L7OK"
        case .layer7Timeout: "L7TOUT"
        case .layer7InvalidResponse: "L7RSP"
        case .layer7WrongStatus: "L7STS"
        case .layer6OK: "L6OK"
        case .layer6Timeout: "L6TOUT"
        case .layer6InvalidResponse: "L6RSP"
        case .healthAnalyze: "HANA"
        case .checked: "CHECKED"
        }
    }

    /// How the check is described in state-change messages.
    public var reason: String {
        switch self {
        case .unknown: "Unknown"
        case .socketError: "Socket error"
        case .layer4OK: "Layer4 check passed"
        case .layer4Timeout: "Layer4 timeout"
        case .layer4ConnectionProblem: "Layer4 connection problem"
        case .layer7OK: "Layer7 check passed"
        case .layer7Timeout: "Layer7 timeout"
        case .layer7InvalidResponse: "Layer7 invalid response"
        case .layer7WrongStatus: "Layer7 wrong status"
        case .layer6OK: "Layer6 check passed"
        case .layer6Timeout: "Layer6 timeout"
        case .layer6InvalidResponse: "Layer6 invalid response"
        case .healthAnalyze: "Health analyze"
        case .checked: "No status change"
        }
    }

    public var passed: Bool { self == .layer4OK || self == .layer6OK || self == .layer7OK }

    /// Whether HAProxy reports a code with this status (`code: N` in messages, `check_code`): only for the
    /// layer 7 verdicts that read an answer, 0 when the protocol has no number.
    public var showsCode: Bool { self == .layer7OK || self == .layer7WrongStatus }

    /// The status named `name` (`L7OK`, `L4CON`...).
    public init?(name: String) {
        let all: [CheckStatus] = [.socketError, .layer4OK, .layer4Timeout, .layer4ConnectionProblem, .layer7OK, .layer7Timeout,
                                  .layer7InvalidResponse, .layer7WrongStatus, .layer6OK, .layer6Timeout, .layer6InvalidResponse]
        guard let status = all.first(where: { $0.name == name }) else { return nil }
        self = status
    }
}

/// The outcome of one check: its status, the code the server answered when the protocol has one (HTTP
/// status, SMTP reply, MySQL or LDAP error), and the description HAProxy would show (`check_desc`, the
/// `info:` of a state-change message).
public struct CheckVerdict: Sendable, Hashable {
    public var status: CheckStatus
    public var code: Int?
    public var info: String?

    public init(status: CheckStatus, code: Int? = nil, info: String? = nil) {
        self.status = status
        self.code = code
        self.info = info
    }
}
