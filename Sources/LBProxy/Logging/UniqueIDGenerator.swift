import LBConfig
import LBCore
import LBLog

/// A frontend's `unique-id-format` and `unique-id-header`, compiled once at start. The id is rendered
/// like a log line, from the request's record as it stands when the id is computed (HAProxy's
/// `%{+X}o %ci:%cp_%fi:%fp_%Ts_%rt:%pid` gives `7F000001:D4E2_7F000001:1F90_6745A1B2_0003:2A1F`).
final class UniqueIDGenerator: Sendable {
    let format: LogFormat
    /// `unique-id-header`: the request header that carries the id to the server (nil: none is added).
    let header: String?
    /// The format prints `%rt`: requests then need their process-wide number.
    let usesRequestCounter: Bool
    /// The format's `%[...]` expressions (`%[uuid]`), empty for most formats.
    private let samples: LogFormatSamples
    /// `%H` and `%pid` for every id; copied per id, so that ids are rendered on any loop without sharing.
    private let renderContext: LogRenderContext

    /// Nil when the frontend has no `unique-id-format`, or one that does not compile (lb refuses to start
    /// with such a format before any frontend is built: see ``LogFormatCheck``).
    init?(_ logging: ProxyLogging, plan: ProxyPlan, hostname: String, pid: Int) {
        guard let text = logging.uniqueIDFormat, let format = try? LogFormat(text) else { return nil }
        let location = logging.uniqueIDFormatLocation ?? SourceLocation(file: "-", line: 0)
        guard let samples = LogFormatSamples.compile(format.sampleExpressions, plan: plan, at: location).samples else { return nil }
        self.format = format
        self.samples = samples
        self.header = logging.uniqueIDHeader
        self.usesRequestCounter = format.uses(.requestCounter)
        self.renderContext = LogRenderContext(hostname: hostname, pid: pid)
    }

    /// The id for the request `record` describes; `request` and `connection` feed the `%[...]` samples
    /// (no request head: a request that could not be read).
    func make(from record: LogRecord, request: HTTPRequestHead?, connection: ConnectionInfo) -> String {
        var context = renderContext
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        let values = samples.isEmpty ? [] : samples.values(request: request, connection: connection)
        format.render(record, samples: values, context: &context, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
