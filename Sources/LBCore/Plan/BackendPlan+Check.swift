import LBConfig

extension BackendPlan {
    /// Compiles the backend's check rules (`option tcp-check`, a protocol check or `option httpchk`) into
    /// `checkProgram`; reports rules that cannot run as errors, and `tcp-check connect ssl` towards a server
    /// without TLS settings as a warning.
    mutating func compileCheckProgram(_ proxy: Proxy, environment: inout CompileEnvironment) {
        if !proxy.healthCheck.tcpCheckRules.isEmpty, proxy.healthCheck.protocolCheck != .tcpCheck {
            environment.warning("'tcp-check' rules have no effect without 'option tcp-check'", at: proxy.location,
                                hint: "add 'option tcp-check' to run them")
        }
        do {
            checkProgram = try CheckProgram.compile(proxy.healthCheck)
        } catch {
            // A bad `http-check expect` is reported where the expectation is compiled.
            if proxy.healthCheck.protocolCheck != nil { environment.error(error.description, at: proxy.location) }
            return
        }
        let wantsTLS = checkProgram?.steps.contains { step in
            if case .connect(let connect) = step.action { return connect.ssl }
            return false
        } ?? false
        guard wantsTLS else { return }
        for server in servers where server.check && server.tls == nil {
            environment.warning("'tcp-check connect ssl' needs TLS settings on server '\(server.name)'; its checks will fail",
                                at: proxy.location, hint: "add 'check-ssl' (and 'verify none' or 'ca-file') to its server line")
        }
    }
}
