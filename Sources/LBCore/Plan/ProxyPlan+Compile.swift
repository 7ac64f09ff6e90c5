import LBConfig

extension ProxyPlan {
    /// Compiles a parsed configuration: resolves backend names, compiles ACLs, regexes and rules.
    /// Returns the plan when there is no error, and every diagnostic found.
    public static func compile(_ configuration: Configuration) -> (plan: ProxyPlan?, diagnostics: [Diagnostic]) {
        fatalError("not yet written")
    }
}
