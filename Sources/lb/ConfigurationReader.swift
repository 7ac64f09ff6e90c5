import LBConfig
import LBCore
import LBProxy

/// Reads and checks a configuration as lb does at start, and as the master does again on each reload:
/// parse, compile, and every check that can fail before a listener is bound (log formats, certificates,
/// inherited sockets).
struct ConfigurationReader {
    let files: [String]
    let activation: SocketActivation

    struct Outcome {
        var configuration: Configuration?
        var plan: ProxyPlan?
        var diagnostics: [Diagnostic]
        /// Every `fd@N` the configuration listens on as written (before a worker adopts its master's sockets).
        var inherited: [(descriptor: Int32, location: SourceLocation)] = []

        var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }
        var isValid: Bool { plan != nil && !diagnostics.hasErrors }
    }

    /// `adopt` may change the parsed configuration before it is compiled (a worker's inherited listeners).
    func read(environment: [String: String], adopt: (inout Configuration) -> Void = { _ in }) -> Outcome {
        let loaded = files.isEmpty
            ? ConfigurationLoader.parse(DefaultConfiguration.text, name: DefaultConfiguration.name, environment: environment)
            : ConfigurationLoader.load(files: files, environment: environment)
        var outcome = Outcome(configuration: loaded.configuration, diagnostics: loaded.diagnostics)
        guard var configuration = loaded.configuration else { return outcome }
        outcome.inherited = LBCommand.inheritedSockets(configuration)
        outcome.diagnostics += activation.diagnostics(binds: outcome.inherited)
        adopt(&configuration)
        outcome.configuration = configuration
        let compiled = ProxyPlan.compile(configuration)
        outcome.diagnostics += compiled.diagnostics
        // log-format and unique-id-format strings compile in the logging module: checked here too.
        if let plan = compiled.plan {
            outcome.diagnostics += LogFormatCheck.diagnostics(for: plan)
            // Certificates are read as lb would at startup: a key that is not its certificate's is an
            // error here, naming the file.
            outcome.diagnostics += TLSSetup.diagnostics(for: plan)
        }
        outcome.plan = compiled.plan
        return outcome
    }
}
