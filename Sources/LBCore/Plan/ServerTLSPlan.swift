import LBConfig

/// How lb speaks TLS to one server, compiled: whether traffic and checks use it, whether the certificate
/// is verified (the server's `verify`, else the global `ssl-server-verify`), and the `sni` expression.
public struct ServerTLSPlan: Sendable, Hashable {
    /// The server line's TLS options, paths resolved.
    public var settings: ServerTLS
    /// `ssl`: requests and TCP sessions to the server are encrypted.
    public var traffic: Bool
    /// Health checks go over TLS (`check-ssl`, or `ssl` with checks to the traffic's address).
    public var checks: Bool
    /// The certificate must chain to `ca-file`, and match the SNI sent (or `verifyhost`).
    public var verify: Bool
    /// `sni`, compiled; nil sends no server name.
    public var serverName: ServerNameExpression?
    /// The server line, for errors about its files.
    public var location: SourceLocation

    public init(settings: ServerTLS, traffic: Bool, checks: Bool, verify: Bool, serverName: ServerNameExpression?,
                location: SourceLocation) {
        self.settings = settings
        self.location = location
        self.traffic = traffic
        self.checks = checks
        self.verify = verify
        self.serverName = serverName
    }

    /// The plan of `server`'s TLS, nil when neither its traffic nor its checks use TLS. An `sni` that does
    /// not compile is an error at the server line.
    static func compile(_ server: ServerDeclaration, backend: String, defaultVerify: ServerTLS.Verify,
                        environment: inout CompileEnvironment) -> ServerTLSPlan? {
        let tls = server.tls
        let checks = server.check && tls.checksUseTLS(checkPort: server.checkPort, checkAddress: server.checkAddress)
        guard tls.enabled || checks else { return nil }
        var serverName: ServerNameExpression?
        if let text = tls.serverName {
            do {
                serverName = try ServerNameExpression.compile(text, environment: environment)
            } catch {
                environment.error("server '\(backend)/\(server.name)': sni '\(text)': \(error.message)", at: server.location,
                                  hint: error.hint ?? "for example: sni req.hdr(host) or sni str(backend.example.com)")
            }
        }
        return ServerTLSPlan(settings: tls, traffic: tls.enabled, checks: checks,
                             verify: (tls.verify ?? defaultVerify) == .required, serverName: serverName,
                             location: server.location)
    }
}
