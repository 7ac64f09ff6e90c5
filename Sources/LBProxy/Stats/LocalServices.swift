import LBCore

/// `http-request use-service NAME`: the services lb provides, and what the access log names as server.
enum LocalServices {
    static func answer(service name: String, to head: HTTPRequestHead, runtime: ProxyRuntime) -> LocalResponse {
        if name == PrometheusExporter.serviceName { return PrometheusExporter.respond(to: head, runtime: runtime) }
        var response = LocalResponse(status: 501)
        response.headers.add("content-type", "text/plain")
        response.body = Array("service '\(name)' is not available in this build of lb\n".utf8)
        return response
    }

    /// The server name of the service's requests in the access log.
    static func serverName(of service: String) -> String {
        service == PrometheusExporter.serviceName ? "<PROMEX>" : "<NOSRV>"
    }
}
