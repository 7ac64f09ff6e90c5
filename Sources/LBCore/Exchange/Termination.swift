/// How an exchange (an HTTP request, or a TCP session) ended: who ended it and in which phase. The log's
/// termination state starts with these two, as HAProxy writes them; this type is the one place that knows
/// the letters.
public struct Termination: Sendable, Hashable {
    /// The event that ended the exchange.
    public enum Cause: Sendable, Hashable {
        /// Nothing went wrong.
        case normal
        /// The client closed or reset its connection.
        case clientAbort
        /// The client stayed silent past its timeout.
        case clientTimeout
        /// The server closed, reset, refused or sent something invalid.
        case serverAbort
        /// The server stayed silent past its timeout.
        case serverTimeout
        /// lb itself refused or cut it: a rule, a limit, a malformed message.
        case proxy
        /// lb answered it itself (stats page, `return`, a service).
        case local
        /// lb ran out of a resource (memory, sockets, ports).
        case resource
        /// A fault inside lb.
        case internalError
        /// The server was marked down while it was in use (with `on-marked-down shutdown-sessions`).
        case serverDown
        /// A backup server was cut because an active one came back (`on-marked-up shutdown-backup-sessions`).
        case serverUp
        /// An operator killed it (`shutdown session`, `shutdown sessions server`).
        case killed
    }

    /// How far the exchange had got.
    public enum Phase: Sendable, Hashable {
        /// Completed normally, nothing pending.
        case none
        /// Waiting for the request (head or body) from the client.
        case request
        /// Waiting in a queue for a server.
        case queue
        /// Connecting to the server.
        case connect
        /// Waiting for the response head.
        case headers
        /// Transferring data (the body, or a tunnel).
        case data
        /// Sending the last data to the client.
        case lastData
        /// Held in a tarpit.
        case tarpit
    }

    public var cause: Cause
    public var phase: Phase

    public init(_ cause: Cause, _ phase: Phase) {
        self.cause = cause
        self.phase = phase
    }

    /// Ended normally: `--`.
    public static let normal = Termination(.normal, .none)

    /// Ended by `cause` in `phase`.
    public static func by(_ cause: Cause, _ phase: Phase) -> Termination { Termination(cause, phase) }

    /// The first termination-state character (the cause) as logged.
    public var causeCharacter: UInt8 {
        switch cause {
        case .normal: UInt8(ascii: "-")
        case .clientAbort: UInt8(ascii: "C")
        case .clientTimeout: UInt8(ascii: "c")
        case .serverAbort: UInt8(ascii: "S")
        case .serverTimeout: UInt8(ascii: "s")
        case .proxy: UInt8(ascii: "P")
        case .local: UInt8(ascii: "L")
        case .resource: UInt8(ascii: "R")
        case .internalError: UInt8(ascii: "I")
        case .serverDown: UInt8(ascii: "D")
        case .serverUp: UInt8(ascii: "U")
        case .killed: UInt8(ascii: "K")
        }
    }

    /// The second termination-state character (the phase) as logged.
    public var phaseCharacter: UInt8 {
        switch phase {
        case .none: UInt8(ascii: "-")
        case .request: UInt8(ascii: "R")
        case .queue: UInt8(ascii: "Q")
        case .connect: UInt8(ascii: "C")
        case .headers: UInt8(ascii: "H")
        case .data: UInt8(ascii: "D")
        case .lastData: UInt8(ascii: "L")
        case .tarpit: UInt8(ascii: "T")
        }
    }

    /// Both characters, as the log's termination state starts.
    public var characters: (UInt8, UInt8) { (causeCharacter, phaseCharacter) }
}

extension Termination: CustomStringConvertible {
    public var description: String { String(decoding: [causeCharacter, phaseCharacter], as: UTF8.self) }
}
