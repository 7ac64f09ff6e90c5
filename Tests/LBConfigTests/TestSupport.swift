import Foundation
@testable import LBConfig

/// Parses `text` as `test.cfg`, as a non-root process unless told otherwise.
func parse(_ text: String, environment: [String: String] = [:], root: Bool = false) -> ConfigurationLoader.Result {
    ConfigurationLoader.parse(text, name: "test.cfg", environment: environment, isRoot: root)
}

/// A defaults section that sets everything the warnings look for, so tests see only what they provoke.
let quietDefaults = """
defaults
    mode http
    timeout client 5s
    timeout server 5s
    timeout connect 1s

"""

/// The repository's fixtures/configs directory.
let fixturesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("fixtures/configs")

extension ConfigurationLoader.Result {
    var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }

    /// The diagnostics of `severity` at `line` whose message contains `text`.
    func find(_ severity: Diagnostic.Severity, line: Int, _ text: String, file: String = "test.cfg") -> Diagnostic? {
        diagnostics.first {
            $0.severity == severity && $0.location.line == line && $0.location.file == file && $0.message.contains(text)
        }
    }
}

/// Lexes one line; returns the words (nil on error) and the diagnostics.
func lex(_ line: String, environment: [String: String] = [:]) -> (words: [String]?, diagnostics: [Diagnostic]) {
    var diagnostics: [Diagnostic] = []
    let words = Lexer.words(in: Substring(line), file: "t", lineNumber: 1, environment: environment, diagnostics: &diagnostics)
    return (words?.map(\.text), diagnostics)
}

/// Joins lines so that the Nth argument is line N of the configuration.
func config(_ lines: String...) -> String { lines.joined(separator: "\n") }
