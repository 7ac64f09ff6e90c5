import LBLog
import LBShared

/// Prometheus metrics derived from log lines, for `lblog serve`: what a proxy that exports nothing
/// itself (a real HAProxy, say) did, as its logs tell it.
///
/// - `lblog_requests_total{frontend,backend,server,code}`: traffic records; `code` is the status class
///   as HAProxy's exporter writes it (`1xx` ... `5xx`, `other` for TCP sessions and requests without a
///   status).
/// - `lblog_request_duration_seconds{backend}`: histogram of Ta of HTTP requests (requests with
///   Ta = -1 never completed and are left out).
/// - `lblog_lines_total`: every line read; `lblog_unparsed_lines_total`: lines that are neither a record,
///   a blank line nor a syslog event.
///
/// Names are interned to small integers on the way in, so a line costs no allocation once its names
/// have been seen. Not thread-safe: the server guards it with a lock.
public struct LogMetrics: Sendable {
    struct RequestKey: Hashable, Sendable {
        var frontend: Int32
        var backend: Int32
        var server: Int32
        var code: UInt8
    }

    static let codes = ["other", "1xx", "2xx", "3xx", "4xx", "5xx"]

    private var names = ByteInterner()
    private var requests: [RequestKey: Int] = [:]
    /// By backend name id.
    private var durations: [Int32: LatencyHistogram] = [:]
    public private(set) var lines = 0
    public private(set) var unparsed = 0

    public init() {}

    public mutating func observe(_ outcome: LineOutcome, _ e: LogEntry) {
        lines += 1
        switch outcome {
        case .record:
            let backend = names.intern(e.backend)
            let code: UInt8 = e.kind == .http && e.status >= 100 && e.status < 600 ? UInt8(e.status / 100) : 0
            requests[RequestKey(frontend: names.intern(e.frontend), backend: backend, server: names.intern(e.server), code: code),
                     default: 0] += 1
            if e.kind == .http, e.timeActive >= 0 {
                durations[backend, default: LatencyHistogram()].observe(milliseconds: Int(e.timeActive))
            }
        case .invalid:
            unparsed += 1
        case .blank, .event:
            break
        }
    }

    /// The text exposition (format 0.0.4), series sorted by their labels.
    public func render() -> [UInt8] {
        var out = Exposition(format: .text004, capacity: 1024 + requests.count * 120 + durations.count * 1500)
        out.family("lblog_lines_total", "Log lines read, whatever they held.", .counter)
        out.sample([], lines)
        out.family("lblog_unparsed_lines_total", "Log lines that could not be read as a record, a blank line or a syslog event.", .counter)
        out.sample([], unparsed)
        out.family("lblog_requests_total", "Requests (HTTP) and sessions (TCP) logged, by frontend, backend, server and status class.", .counter)
        let rows = requests.map { key, count in
            ([names.name(key.frontend), names.name(key.backend), names.name(key.server), Self.codes[Int(key.code)]], count)
        }.sorted { $0.0.lexicographicallyPrecedes($1.0) }
        for (labels, count) in rows {
            out.sample(Exposition.labels(["frontend": labels[0], "backend": labels[1], "server": labels[2], "code": labels[3]]), count)
        }
        out.family("lblog_request_duration_seconds", "Total active time (Ta) of HTTP requests, by backend.", .histogram)
        let bucketLabels = Exposition.bucketLabels(LatencyHistogram.layout)
        for (name, histogram) in durations.map({ (names.name($0.key), $0.value) }).sorted(by: { $0.0 < $1.0 }) {
            out.histogram(Exposition.label("backend", name), counts: histogram.counts,
                          sumMicroseconds: histogram.sumMilliseconds * 1000, bucketLabels: bucketLabels)
        }
        return out.finish()
    }
}
