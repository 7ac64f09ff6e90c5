/// The outcome of one health check, with HAProxy's status names.
struct CheckResult {
    enum Status: Int {
        case unknown = 0
        case socketError
        case layer4OK
        case layer4Timeout
        case layer4ConnectionProblem
        case layer7OK
        case layer7Timeout
        case layer7InvalidResponse
        case layer7WrongStatus
        // Checks over TLS (`check-ssl`): the handshake is layer 6. Last, so stored values keep their meaning.
        case layer6OK
        case layer6Timeout
        case layer6InvalidResponse
        // Traffic errors past `error-limit` (`observe`), and an agent answer that changed no health.
        case healthAnalyze
        case checked

        /// The code shown on the stats page and in `show stat` (`check_status`).
        var name: String {
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
        var reason: String {
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

        var passed: Bool { self == .layer4OK || self == .layer6OK || self == .layer7OK }
    }

    var status: Status
    var code: Int?
    var info: String?
}
