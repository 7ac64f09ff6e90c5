import Foundation
import LBTestSupport

/// Helpers for the metrics and stats-page tests: reading a sample from an exposition, running a tool.
enum MetricsSupport {
    /// The value of the sample written exactly as `series` (name with its labels), if present.
    static func value(_ series: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    /// The full path of an executable on PATH, nil when it is not installed.
    static func tool(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Runs a tool with `input` on stdin; returns its exit status and its output and errors together.
    static func run(_ path: String, _ arguments: [String], input: [UInt8] = []) throws -> (status: Int32, output: String) {
        let outcome = try ExternalTool.run(path, arguments, input: String(decoding: input, as: UTF8.self))
        return (outcome.status, outcome.output + outcome.errors)
    }

    /// Base64 of `user:password` for a Basic `Authorization` header.
    static func basic(_ user: String, _ password: String) -> String {
        Data("\(user):\(password)".utf8).base64EncodedString()
    }
}
