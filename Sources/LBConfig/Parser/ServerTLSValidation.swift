/// Checks the TLS settings of every server that speaks TLS (for traffic or for checks), once the global
/// section is known: `ssl-server-verify` may come after the proxies that rely on it.
enum ServerTLSValidation {
    static func run(_ proxies: [ProxyBuilder], global: GlobalSettings, context: inout ParseContext) {
        for builder in proxies where builder.proxy.isBackend {
            for server in builder.proxy.servers {
                check(server, in: builder.proxy.name, global: global, context: &context)
            }
        }
    }

    private static func check(_ server: ServerDeclaration, in backend: String, global: GlobalSettings,
                              context: inout ParseContext) {
        let tls = server.tls
        let checksTLS = server.check && tls.checksUseTLS(checkPort: server.checkPort, checkAddress: server.checkAddress)
        guard tls.enabled || checksTLS else {
            if tls.serverName != nil || tls.caFile != nil || tls.certificate != nil {
                context.warning("server '\(backend)/\(server.name)' has TLS options but no 'ssl': they have no effect",
                                at: server.location, hint: "add 'ssl' to encrypt the traffic to this server")
            }
            return
        }
        // As HAProxy refuses to start: verifying without authorities would fail every handshake.
        if tls.caFile == nil {
            if let verify = tls.verify {
                if verify == .required {
                    context.error("server '\(backend)/\(server.name)': 'verify required' needs 'ca-file'", at: server.location,
                                  hint: "add 'ca-file FILE' with the authorities that sign the server's certificate")
                }
            } else if global.serverVerify == .required {
                context.error("server '\(backend)/\(server.name)': verify is enabled by default but no CA file is specified",
                              at: server.location,
                              hint: "add 'ca-file FILE' to verify the server's certificate; on a network you trust, write "
                                  + "'verify none' on the server line, or 'ssl-server-verify none' in the global section")
            }
        }
        if tls.minVersion > tls.maxVersion {
            context.error("server '\(backend)/\(server.name)': no TLS version is left between ssl-min-ver "
                          + "\(tls.minVersion.rawValue) and ssl-max-ver \(tls.maxVersion.rawValue)", at: server.location)
        }
    }
}
