import NIOConcurrencyHelpers
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

/// A port for frontends in test configurations: nothing listens on it, and no other test of this run was
/// given it. Ports are taken in turn from 20000–31999, below the kernel's ephemeral range (32768–60999):
/// a port the kernel picked could be taken by some test's outgoing connection between this check and
/// lb's bind, which made tests fail now and then with "Address already in use".
func freePort() -> Int {
    freePorts.withLockedValue { next in
        while true {
            let port = 20_000 + next % 12_000
            next += 1
            if canBind(port: port) { return port }
        }
    }
}

/// Where `freePort` goes on: spread by process id, so that two test runs at once start apart.
private let freePorts = NIOLockedValueBox(Int(getpid()) &* 7919 % 12_000)

private func canBind(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var reuse: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
}

/// Sends one request on a new connection and reads the response.
func fetch(port: Int, _ request: String, method: String = "GET") throws -> RawClient.Response {
    let client = try RawClient(port: port)
    try client.send(request)
    return try client.readResponse(method: method)
}
