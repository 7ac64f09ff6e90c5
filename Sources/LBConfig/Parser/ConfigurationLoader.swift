import Foundation

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
        load(files: files, environment: environment, isRoot: Platform.isRoot)
    }

    /// Parses configuration text; `name` is what diagnostics call the source.
    public static func parse(_ text: String, name: String, environment: [String: String] = [:]) -> Result {
        parse(text, name: name, environment: environment, isRoot: Platform.isRoot)
    }

    /// As `load(files:environment:)`, with the root check given (for tests).
    static func load(files: [String], environment: [String: String], isRoot: Bool) -> Result {
        var parser = ConfigurationParser(environment: environment, isRoot: isRoot)
        for file in files {
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: file))
                parser.parse(String(decoding: data, as: UTF8.self), file: file)
            } catch {
                parser.context.error("cannot read configuration file: \(error.localizedDescription)",
                                     at: SourceLocation(file: file, line: 0))
            }
        }
        return parser.finish()
    }

    /// As `parse(_:name:environment:)`, with the root check given (for tests).
    static func parse(_ text: String, name: String, environment: [String: String], isRoot: Bool) -> Result {
        var parser = ConfigurationParser(environment: environment, isRoot: isRoot)
        parser.parse(text, file: name)
        return parser.finish()
    }
}
