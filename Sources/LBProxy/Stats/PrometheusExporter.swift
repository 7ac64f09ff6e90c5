import LBCore
import LBShared
import LBStats

/// `http-request use-service prometheus-exporter`: renders the live counters in the Prometheus text
/// format (or OpenMetrics when the scraper's `Accept` asks for it), filtered by the query string.
enum PrometheusExporter {
    static let serviceName = "prometheus-exporter"

    static func respond(to head: HTTPRequestHead, runtime: ProxyRuntime) -> LocalResponse {
        let query: PrometheusQuery
        do {
            query = try PrometheusQuery.parse(queryString(of: head.uri))
        } catch {
            var response = LocalResponse(status: 400)
            response.headers.add("content-type", "text/plain")
            response.headers.add("cache-control", "no-cache")
            response.body = Array("400 Bad Request: \(error.description)\n".utf8)
            return response
        }
        let format = PrometheusFormat.negotiate(accept: head.headers.first("accept"))
        var response = LocalResponse(status: 200)
        response.headers.add("content-type", format.contentType)
        response.headers.add("cache-control", "no-cache")
        response.body = PrometheusRenderer.render(runtime.statsSnapshot(), query: query, format: format)
        return response
    }

    static func queryString(of uri: String) -> Substring {
        guard let mark = uri.firstIndex(of: "?") else { return "" }
        return uri[uri.index(after: mark)...]
    }
}
