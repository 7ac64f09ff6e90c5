import ArgumentParser
import Foundation
import LBLog
import LBReport

/// `lblog halog`: halog's outputs for the measures both tools share, in halog's exact layout, so
/// existing scripts and habits carry over (and the two tools can be compared line by line).
struct HalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "halog",
        abstract: "Print halog-compatible -st, -tc, -srv or -pct output.",
        discussion: """
        Examples:
          lblog halog -pct /var/log/haproxy.log
          zcat haproxy.log.1.gz | lblog halog -srv -
        """
    )

    @Flag(name: .customLong("st", withSingleDash: true), help: "Count by HTTP status.")
    var status = false
    @Flag(name: .customLong("tc", withSingleDash: true), help: "Count by termination state (first two characters).")
    var termination = false
    @Flag(name: .customLong("srv", withSingleDash: true), help: "Per-server status classes, success share, mean Tc and Tr.")
    var servers = false
    @Flag(name: .customLong("pct", withSingleDash: true), help: "TR, Tc, Tr, Td at halog's 72 percentile steps.")
    var percentiles = false
    @Flag(name: [.short, .long], help: "No warnings on stderr.")
    var quiet = false

    @Argument(help: "Log files, directories, globs, or '-' for stdin.")
    var inputs: [String] = []

    func validate() throws {
        if [status, termination, servers, percentiles].filter({ $0 }).count != 1 {
            throw ValidationError("choose exactly one of -st, -tc, -srv, -pct")
        }
    }

    func run() throws {
        let selected: [LogInput]
        do { selected = try InputSelection.resolve(inputs, quiet: quiet) } catch let usage as UsageFailure {
            throw ValidationError(usage.description)
        }
        var options = ReportOptions()
        options.top = 0
        let scan = LogScanner.scan(selected, options: options)
        if scan.aggregate.lines == 0 && !scan.failures.isEmpty {
            throw nothingRead(scan.failures)
        }
        let a = scan.aggregate
        let text: String
        if status { text = HalogCompat.statusCounts(a) } else if termination { text = HalogCompat.terminationCounts(a) } else if servers {
            text = HalogCompat.servers(a)
        } else { text = HalogCompat.percentiles(a) }
        FileHandle.standardOutput.write(Data(text.utf8))
        if !quiet {
            writeStandardError("\(a.lines) lines in, \(a.records) records, \(a.invalidCount) unparsable, \(a.eventLines) syslog events\n")
        }
    }
}
