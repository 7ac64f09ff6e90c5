import LBConfig
import LBCore
@testable import LBProxy
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// Starts lb in-process from configuration text, for tests on loopback.
struct LBHarness {
    let balancer: LoadBalancer
    let sockets: [ListeningSocket]
    var accessLog: PipelineAccessLog? = nil

    struct ConfigError: Error, CustomStringConvertible {
        let description: String
    }

    /// Parses, compiles and starts `config`; any error diagnostic fails the test setup.
    /// Starts lb; with `configuredLogging`, the access log is the one the configuration's `log` lines
    /// describe (as `lb` builds it), available as `accessLog`.
    static func start(_ config: String, accessLog: (any AccessLogReceiver)? = nil, configuredLogging: Bool = false) async throws -> LBHarness {
        let loaded = ConfigurationLoader.parse(config, name: "test.cfg")
        guard let configuration = loaded.configuration else {
            throw ConfigError(description: loaded.diagnostics.map(\.description).joined(separator: "\n"))
        }
        let compiled = ProxyPlan.compile(configuration)
        guard let plan = compiled.plan, !compiled.diagnostics.hasErrors else {
            throw ConfigError(description: compiled.diagnostics.map(\.description).joined(separator: "\n"))
        }
        let pipelineLog = configuredLogging ? try LogSetup.make(plan: plan) : nil
        let balancer = try LoadBalancer(plan: plan, accessLog: pipelineLog ?? accessLog)
        let sockets = try await balancer.start()
        return LBHarness(balancer: balancer, sockets: sockets, accessLog: pipelineLog)
    }

    func port(_ frontend: String) -> Int {
        sockets.first { $0.frontend == frontend }!.address.port!
    }

    func stop() async {
        await balancer.shutdown(grace: .milliseconds(200))
        _ = accessLog?.pipeline.shutdown(timeout: 5)
    }
}

/// A port that was free a moment ago (the kernel picks it), for frontends in test configurations.
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Sends one request on a new connection and reads the response.
func fetch(port: Int, _ request: String, method: String = "GET") throws -> RawClient.Response {
    let client = try RawClient(port: port)
    try client.send(request)
    return try client.readResponse(method: method)
}
