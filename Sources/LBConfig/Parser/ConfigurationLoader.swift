/// Entry point for reading configuration files.
public enum ConfigurationLoader {
    /// The outcome of loading: the configuration when there is no error, and every diagnostic found.
    public struct Result: Sendable {
        public var configuration: Configuration?
        public var diagnostics: [Diagnostic]
        public init(configuration: Configuration?, diagnostics: [Diagnostic]) {
            self.configuration = configuration
            self.diagnostics = diagnostics
        }
    }

    /// Reads, in order, the files named (as `-f` does) and parses them as one configuration.
    public static func load(files: [String], environment: [String: String]) -> Result {
        fatalError("not yet written")
    }

    /// Parses configuration text; `name` is what diagnostics call the source.
    public static func parse(_ text: String, name: String, environment: [String: String] = [:]) -> Result {
        fatalError("not yet written")
    }
}
