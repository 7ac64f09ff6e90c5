import Foundation
import LBLog

#if canImport(Glibc)
import Glibc
#endif

/// Resolves input arguments one by one, so one bad path does not hide the others.
enum InputSelection {
    static func resolve(_ arguments: [String], quiet: Bool) throws -> [LogInput] {
        var args = arguments
        if args.isEmpty {
            guard isatty(0) == 0 else {
                throw UsageFailure(description: "no input: give log files, directories or globs, or '-' to read stdin (see --help)")
            }
            args = ["-"]
        }
        var inputs: [LogInput] = []
        var problems: [String] = []
        for argument in args {
            do { inputs.append(contentsOf: try LogInputResolver.resolveInOrder([argument])) } catch {
                problems.append("\(error)")
            }
        }
        if inputs.isEmpty {
            throw problems.isEmpty ? RuntimeFailure(description: "nothing to read") : nothingRead(problems)
        }
        if !quiet { for p in problems { writeWarning(p) } }
        return LogInputResolver.orderByTime(inputs)
    }
}
