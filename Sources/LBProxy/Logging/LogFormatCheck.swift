import LBConfig
import LBCore
import LBLog

/// Compiles the log-format strings of a plan the way lb uses them (`log-format` and `unique-id-format`)
/// and reports those that do not compile at the line that wrote them. The configuration modules cannot
/// do it themselves: the compiler belongs to the logging module. `lb -c` prints these diagnostics, and
/// `LoadBalancer` refuses to start on any error among them.
public enum LogFormatCheck {
    public static func diagnostics(for plan: ProxyPlan) -> [Diagnostic] {
        var found: [Diagnostic] = []
        var seen = Set<Diagnostic>()
        let samples = LogFormatSamples.Compiler(plan: plan)
        // A defaults section's format is inherited by every frontend below it: report it once.
        func add(_ diagnostic: Diagnostic) {
            if seen.insert(diagnostic).inserted { found.append(diagnostic) }
        }
        for frontend in plan.frontends {
            let logging = frontend.logging
            if case .custom(let text) = logging.format, let location = logging.formatLocation {
                do {
                    _ = try LogFormat(text)
                } catch {
                    add(.error(error.message, at: location))
                }
            }
            if let text = logging.uniqueIDFormat, let location = logging.uniqueIDFormatLocation {
                do {
                    let format = try LogFormat(text)
                    for diagnostic in samples.compile(format.sampleExpressions, at: location).diagnostics {
                        add(Diagnostic(diagnostic.severity, at: location, "unique-id-format: " + diagnostic.message, hint: diagnostic.hint))
                    }
                } catch {
                    add(.error("unique-id-format: \(error.message)", at: location))
                }
            }
        }
        return found
    }
}
