/// How a proxy starts from a `defaults` section, as HAProxy does it:
///
/// - An anonymous `defaults` starts from nothing and replaces the previous one for the proxies below it.
/// - `defaults NAME` does the same and can also be chosen later with `from NAME`.
/// - `defaults [NAME] from OTHER` starts from the named section instead of from nothing.
/// - A proxy copies everything the defaults section set (mode, timeouts, options, logging, connection mode,
///   forwardfor, maxconn, retries, redispatch, balance, hash-type, default_backend, health checks, stats,
///   default-server, and the lines kept as not yet applied), then its own lines override.
/// - Rules, ACLs, binds, servers and captures are never inherited (defaults cannot hold them).
extension ProxyBuilder {
    /// A new proxy (or defaults section, for `defaults X from Y`) seeded from `defaults`.
    static func inheriting(
        from defaults: ProxyBuilder?,
        name: String,
        kind: SectionKind,
        location: SourceLocation
    ) -> ProxyBuilder {
        var builder = ProxyBuilder(name: name, kind: kind, location: location)
        guard let defaults else { return builder }
        var proxy = defaults.proxy
        proxy.name = name
        proxy.capabilities = kind.capabilities
        proxy.location = location
        proxy.binds = []
        proxy.useBackendRules = []
        proxy.httpRequestRules = []
        proxy.httpResponseRules = []
        proxy.acls = []
        proxy.servers = []
        proxy.captures = []
        proxy.stickTable = nil
        proxy.stickRules = []
        // Settings of a capability the new proxy lacks do not carry over.
        if !kind.capabilities.contains(.frontend) && kind != .defaults {
            proxy.defaultBackend = nil
            proxy.maxConnections = nil
        }
        builder.proxy = proxy
        builder.serverTemplate = defaults.serverTemplate
        builder.serverTemplate.location = location
        if proxy.defaultBackend != nil { builder.defaultBackendLocation = defaults.defaultBackendLocation }
        builder.logFormatLocation = defaults.logFormatLocation
        return builder
    }
}
