/// A proxy or defaults section while it is being parsed: the model value plus what validation needs to
/// know about where things were written.
struct ProxyBuilder {
    var proxy: Proxy
    var kind: SectionKind
    /// `default-server` options: every later `server` line starts from this value.
    var serverTemplate: ServerDeclaration
    /// Named ACLs used in conditions, checked once the whole section is read (an ACL may be declared after
    /// the rule that uses it).
    var aclReferences: [(name: String, location: SourceLocation)] = []
    /// Where `option httpchk` was written in this very section (not inherited).
    var httpCheckLocation: SourceLocation?
    /// Where the current `default_backend` came from (possibly the defaults section).
    var defaultBackendLocation: SourceLocation?
    /// Where the current log format was chosen (possibly the defaults section).
    var logFormatLocation: SourceLocation?
    /// The first `http-request`/`http-response` rule, for the tcp-mode check.
    var firstHTTPRuleLocation: SourceLocation?
    /// A `bind` line was written (even one with an error), so "no bind" would be a misleading follow-up.
    var hasBindLine = false
    /// This section wrote `tcp-check` rules: they replace the ones inherited from defaults, not add to them.
    var hasOwnTCPCheckRules = false

    init(name: String, kind: SectionKind, location: SourceLocation) {
        proxy = Proxy(name: name, capabilities: kind.capabilities, location: location)
        self.kind = kind
        serverTemplate = ServerDeclaration(name: "", host: "", port: nil, location: location)
    }

    var kinds: SectionKinds {
        switch kind {
        case .defaults: .defaults
        case .frontend: .frontend
        case .backend: .backend
        case .listen: .listen
        }
    }

    /// "frontend 'web'", "defaults section", "defaults 'base'": how messages name this section.
    var title: String {
        if kind == .defaults { return proxy.name.isEmpty ? "defaults section" : "defaults '\(proxy.name)'" }
        return "\(kind.name) '\(proxy.name)'"
    }
}
