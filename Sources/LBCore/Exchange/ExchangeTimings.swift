/// The instants of one exchange, each taken once from the monotonic clock (nanoseconds; 0 = not reached),
/// and every duration derived from them. The log's timers (milliseconds) and the latency histograms
/// (microseconds) read the same instants, so the two cannot disagree: a log timer is its histogram
/// sample truncated to whole milliseconds.
///
/// For a TCP session the request starts, and its "head" is complete, at the accept.
public struct ExchangeTimings: Sendable, Hashable {
    /// Since when the connection was idle before this exchange: the accept, or the end of the previous one.
    public var idleSince: UInt64
    /// The first byte of the request.
    public var requestStart: UInt64 = 0
    /// The request head was complete.
    public var headDone: UInt64 = 0
    /// A server was chosen (the end of any queueing).
    public var serverChosen: UInt64 = 0
    /// The connection to the server was established (the last attempt's).
    public var connected: UInt64 = 0
    /// The response head was received.
    public var responseHead: UInt64 = 0
    /// How long the connection's TLS handshake took from the accept (nanoseconds): set in the first
    /// exchange's timings only, as HAProxy reports Th for the first request of a connection and 0 after.
    public var handshake: UInt64 = 0

    public init(idleSince: UInt64 = 0) {
        self.idleSince = idleSince
    }

    /// HAProxy's timers for the log, in milliseconds; -1 for a phase that never completed.
    public struct LogTimers: Sendable, Hashable {
        /// TR: first byte to the end of the head.
        public var request: Int
        /// Tw: waiting for a server (queues).
        public var queue: Int
        /// Tc: connecting to the server, retries included.
        public var connect: Int
        /// Tr: connection established to the response head.
        public var response: Int
        /// Ta: first byte to the end.
        public var active: Int
        /// Ti: idle before the first byte.
        public var idle: Int
        /// Th: the connection's handshake (first request only, else 0).
        public var handshake: Int
        /// Tt: Th + Ti + Ta.
        public var total: Int
    }

    /// The log's timers at `end`. A request answered by lb itself (`answeredLocally`) is its own
    /// response: HAProxy prints 0 for Tr then, once the head was complete.
    public func logTimers(end: UInt64, answeredLocally: Bool) -> LogTimers {
        let idle = Self.milliseconds(idleSince, requestStart)
        let active = Self.milliseconds(requestStart, end)
        let handshake = Int(handshake / 1_000_000)
        var timers = LogTimers(request: headDone == 0 ? -1 : Self.milliseconds(requestStart, headDone),
                               queue: -1, connect: -1, response: -1, active: active, idle: idle, handshake: handshake,
                               total: handshake + idle + active)
        if serverChosen != 0 {
            timers.queue = Self.milliseconds(headDone, serverChosen)
            if connected != 0 {
                timers.connect = Self.milliseconds(serverChosen, connected)
                if responseHead != 0 { timers.response = Self.milliseconds(connected, responseHead) }
            }
        } else if answeredLocally && headDone != 0 {
            timers.response = 0
        }
        return timers
    }

    /// The histograms' samples at `end`, in microseconds: the total time (Ta), and the connect (Tc) and
    /// response (Tr) times when those phases completed.
    public func histogramSamples(end: UInt64) -> (total: Int, connect: Int?, response: Int?) {
        (Self.microseconds(requestStart, end),
         serverChosen != 0 && connected != 0 ? Self.microseconds(serverChosen, connected) : nil,
         connected != 0 && responseHead != 0 ? Self.microseconds(connected, responseHead) : nil)
    }

    /// Whole milliseconds between two instants (0 when either is unset or they are out of order).
    @inline(__always)
    public static func milliseconds(_ start: UInt64, _ end: UInt64) -> Int {
        guard start != 0, end >= start else { return 0 }
        return Int((end - start) / 1_000_000)
    }

    /// Whole microseconds between two instants (0 when either is unset or they are out of order).
    @inline(__always)
    public static func microseconds(_ start: UInt64, _ end: UInt64) -> Int {
        guard start != 0, end >= start else { return 0 }
        return Int((end - start) / 1000)
    }
}
