/// httplog's and tcplog's `actconn/feconn/beconn/srv_conn/retries srv_queue/backend_queue` fields
/// (`retries` with a `+` after a redispatch).
public struct ConnectionCounts: Sendable, Equatable {
    public var active: Int32 = 0
    public var frontend: Int32 = 0
    public var backend: Int32 = 0
    public var server: Int32 = 0
    public var retries: Int32 = 0
    public var redispatched = false
    public var serverQueue: Int32 = 0
    public var backendQueue: Int32 = 0

    public init() {}

    /// The counts in `text`, the two fields as a line logs them (checked by the parser that kept them).
    init(parsing text: ByteSlice) {
        self.init()
        guard let base = text.base else { return }
        var parser = TrafficLineParser(base, count: text.count, start: 0)
        _ = parser.parseCounts(into: &self)
    }
}
