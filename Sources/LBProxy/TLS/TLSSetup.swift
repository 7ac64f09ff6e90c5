import LBConfig
import LBCore

/// Builds the TLS terminators of a plan's `bind ... ssl` lines and the TLS contexts of its `server ... ssl`
/// lines, reading their certificates: for `lb -c` (as diagnostics at the line) and at startup (where an
/// error stops lb).
public enum TLSSetup {
    /// What loading every TLS listener's certificates reports: a missing file, a key that is not the
    /// certificate's, an expired certificate (a warning), an option lb does not apply (a warning).
    public static func diagnostics(for plan: ProxyPlan) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        _ = terminators(for: plan, diagnostics: &diagnostics)
        _ = serverContexts(for: plan, diagnostics: &diagnostics)
        return diagnostics
    }

    /// One entry per frontend, one per bind line in it: its terminator, or nil for a plain listener.
    static func terminators(for plan: ProxyPlan, diagnostics: inout [Diagnostic]) -> [[TLSTerminator?]] {
        var built: [BindTLS: TLSTerminator] = [:]
        return plan.frontends.map { frontend in
            frontend.binds.map { bind -> TLSTerminator? in
                guard let settings = bind.tls else { return nil }
                // A line with several addresses shares one terminator (and one certificate store).
                if let existing = built[settings] { return existing }
                do throws(TLSSetupError) {
                    var warnings: [String] = []
                    let terminator = try TLSTerminator(settings) { warnings.append($0) }
                    for warning in warnings { diagnostics.append(.warning(warning, at: settings.location)) }
                    built[settings] = terminator
                    return terminator
                } catch {
                    diagnostics.append(.error(error.description, at: settings.location))
                    return nil
                }
            }
        }
    }

    /// One entry per backend, one per server in it: its TLS context, or nil for a server spoken to in clear.
    static func serverContexts(for plan: ProxyPlan, diagnostics: inout [Diagnostic]) -> [[ServerTLSContext?]] {
        plan.backends.map { backend in
            backend.servers.map { server -> ServerTLSContext? in
                guard let settings = server.tls else { return nil }
                do throws(TLSSetupError) {
                    return try ServerTLSContext(settings, server: "\(backend.name)/\(server.name)")
                } catch {
                    diagnostics.append(.error(error.description, at: settings.location))
                    return nil
                }
            }
        }
    }
}
