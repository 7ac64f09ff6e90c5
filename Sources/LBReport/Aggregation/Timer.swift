import LBLog

/// The five httplog timers a report shows, in report order.
public enum TimerKind: Int, CaseIterable, Sendable, Codable {
    case ta = 0, tr, tc, tw, treq

    /// Name as HAProxy prints it.
    public var name: String {
        switch self {
        case .ta: return "Ta"
        case .tr: return "Tr"
        case .tc: return "Tc"
        case .tw: return "Tw"
        case .treq: return "TR"
        }
    }

    public var meaning: String {
        switch self {
        case .ta: return "total active time (first request byte to last response byte; Tt for TCP)"
        case .tr: return "server response time (connected to full response headers)"
        case .tc: return "connect time to the server"
        case .tw: return "time in queues"
        case .treq: return "time to receive the full request headers"
        }
    }

    public static func named(_ text: String) -> TimerKind? {
        switch text {
        case "Ta", "ta", "Tt", "tt": return .ta
        case "Tr", "tr": return .tr
        case "Tc", "tc": return .tc
        case "Tw", "tw": return .tw
        case "TR", "Tq", "tq": return .treq
        default: return nil
        }
    }
}

extension LogEntry {
    @inline(__always) func timer(_ kind: TimerKind) -> Int {
        switch kind {
        case .ta: return Int(timeActive)
        case .tr: return Int(timeResponse)
        case .tc: return Int(timeConnect)
        case .tw: return Int(timeQueue)
        case .treq: return Int(timeRequest)
        }
    }

    /// A timer that should have a value is -1: the request or session was cut short. TCP lines only
    /// carry Tw, Tc and Tt; JSON lines without timers are never counted as aborted.
    @inline(__always) var isAborted: Bool {
        if timerCount == 0 { return false }
        if kind == .tcp { return timeQueue < 0 || timeConnect < 0 || timeActive < 0 }
        return timeRequest < 0 || timeQueue < 0 || timeConnect < 0 || timeResponse < 0 || timeActive < 0
    }
}
