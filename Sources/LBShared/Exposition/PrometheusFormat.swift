/// The exposition format, chosen from the scraper's `Accept` header.
public enum PrometheusFormat: Sendable {
    case text004
    case openMetrics

    public static func negotiate(accept: String?) -> PrometheusFormat {
        guard let accept else { return .text004 }
        return accept.contains("application/openmetrics-text") ? .openMetrics : .text004
    }

    public var contentType: String {
        switch self {
        case .text004: "text/plain; version=0.0.4"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }
}
