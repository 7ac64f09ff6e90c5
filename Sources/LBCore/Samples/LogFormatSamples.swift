import LBConfig

/// The `%[...]` expressions of a log-format string that the logging module renders (the unique id),
/// compiled against the plan once and evaluated per request into the pre-rendered values its renderer
/// takes. The logging module cannot compile fetches itself: they belong here.
public struct LogFormatSamples: Sendable {
    let expressions: [SampleExpression]

    public var isEmpty: Bool { expressions.isEmpty }

    /// Compiles `texts` (a format's expressions, in order) for `plan`. Returns nil, with the errors at
    /// `location`, when one does not compile; fetches lb does not compute yet compile with a warning.
    public static func compile(_ texts: [String], plan: ProxyPlan, at location: SourceLocation)
        -> (samples: LogFormatSamples?, diagnostics: [Diagnostic]) {
        Compiler(plan: plan).compile(texts, at: location)
    }

    /// Compiles formats against one plan, whose backends are indexed once: a format inherited from a
    /// defaults section is compiled for every frontend, and indexing per format would make that quadratic.
    public struct Compiler {
        private let environment: CompileEnvironment

        public init(plan: ProxyPlan) {
            var environment = CompileEnvironment()
            for (index, backend) in plan.backends.enumerated() where environment.backendIndexes[backend.name] == nil {
                environment.backendIndexes[backend.name] = index
            }
            environment.staticServerCounts = plan.backends.map { $0.servers.filter { !$0.disabled }.count }
            self.environment = environment
        }

        /// As `LogFormatSamples.compile(_:plan:at:)`.
        public func compile(_ texts: [String], at location: SourceLocation) -> (samples: LogFormatSamples?, diagnostics: [Diagnostic]) {
            var environment = environment
            var expressions: [SampleExpression] = []
            for text in texts {
                do {
                    let expression = try SampleExpression.compile(text[...], environment: environment)
                    if case .unimplemented(let name) = expression.fetch {
                        environment.warning("fetch '\(name)' is not implemented yet; it prints '-'", at: location)
                    }
                    expressions.append(expression)
                } catch {
                    environment.error(error.message, at: location, hint: error.hint)
                }
            }
            let failed = environment.diagnostics.contains { $0.severity == .error }
            return (failed ? nil : LogFormatSamples(expressions: expressions), environment.diagnostics)
        }
    }

    /// The value of each expression for one request (nil: no value), in order. `request` is nil for a
    /// request whose head could not be read; fetches that need it have no value then.
    public func values(request: HTTPRequestHead?, connection: ConnectionInfo, uniqueID: String? = nil) -> [String?] {
        let context = SampleContext(head: request, connection: connection, serverCounts: nil, uniqueID: uniqueID)
        return expressions.map { $0.value(in: context).map { String($0.text) } }
    }
}
