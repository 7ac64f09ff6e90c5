import ArgumentParser
import Foundation
import LBLog
import LBReport

#if canImport(Glibc)
import Glibc
#endif

/// `lblog tail`: follows live logs and prints each record as it is flushed.
struct TailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Follow live logs (plain, or gzip as lb writes it) and print each record as it is flushed.",
        discussion: """
        Follows each file by name, like 'tail -F': a rotated file is read to its end, then the new one \
        from its start; a truncated file is read again. gzip records appear once their member is \
        complete. Starts at the end of the files unless --from-start. Filters are those of 'lblog report'.

        Text lines show the date as logged, frontend, backend/server, status, Ta, termination state, \
        method and path. JSON lines are lb's JSON log format.

        Examples:
          lblog tail /var/log/lb/access.log.gz
          lblog tail --filter 'status>=500' /var/log/haproxy.log
          lblog tail --from-start --format json --filter backend=api access.log
        """
    )

    @Argument(help: "Log files to follow (they may not exist yet).")
    var files: [String] = []

    @Option(name: .long, help: "Keep records matching field op value: backend=api, status>=500, path^=/api, term=sH, Ta>1000 (repeat to AND).")
    var filter: [String] = []

    @Option(name: .long, help: "Output format: text or json.")
    var format: TailFormatArgument = .text

    @Flag(name: .long, help: "Print what the files already hold first (default: start at their end).")
    var fromStart = false

    @Option(name: .long, help: "How often to look at the files, such as 200ms or 1s.")
    var interval: String = "200ms"

    @Option(name: .long, help: "Names of the request header captures in order (tells request from response captures in CLF lines).")
    var captures: String?

    @Flag(name: [.short, .long], help: "No warnings about unreadable files or unparsable lines on stderr.")
    var quiet = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("give the log files to follow") }
        _ = try pollInterval()
        _ = try printer()
    }

    func printer() throws -> TailPrinter {
        do {
            return TailPrinter(format: format.value, filters: try filter.map(FilterClause.parse))
        } catch let error as ReportOptionError {
            throw ValidationError(error.description)
        }
    }

    func pollInterval() throws -> UInt32 {
        guard let milliseconds = DurationText.milliseconds(interval), milliseconds >= 1, milliseconds <= 60_000 else {
            throw ValidationError("--interval \(interval): expected a duration between 1ms and 60s, such as 200ms")
        }
        return UInt32(milliseconds) * 1000
    }

    func run() throws {
        let printer = try printer()
        let sleep = try pollInterval()
        let tail = LogTail(paths: files, fromStart: fromStart, clfRequestCaptureCount: captureCount(captures))
        var reporter = FollowWarnings(quiet: quiet)
        for file in files where access(file, F_OK) != 0 { reporter.warn("\(file) does not exist yet: waiting for it") }
        var output: [UInt8] = []
        while true {
            let failures = tail.poll { line in
                switch line.outcome {
                case .record: printer.append(line.entry, into: &output)
                case .invalid(let reason): reporter.unparsed(line, reason)
                case .blank, .event: break
                }
            }
            reporter.failures(failures)
            if !output.isEmpty {
                FileHandle.standardOutput.write(Data(output))
                output.removeAll(keepingCapacity: true)
            }
            usleep(sleep)
        }
    }
}

enum TailFormatArgument: String, ExpressibleByArgument, CaseIterable {
    case text, json
    var value: TailFormat { self == .json ? .json : .text }
}

/// `--captures a,b,c` as a count of request captures (nil when not given).
func captureCount(_ captures: String?) -> Int? {
    captures.map { $0.split(separator: ",").count }
}

/// Warnings of a follower on stderr: unparsable lines (with file and reason), and read failures said
/// once until they change, so a missing file does not repeat every poll.
struct FollowWarnings {
    let quiet: Bool
    private var lastFailures: [String] = []

    init(quiet: Bool) { self.quiet = quiet }

    func warn(_ text: String) {
        if !quiet { writeWarning(text) }
    }

    func unparsed(_ line: LogTail.Line, _ reason: LineError) {
        warn("\(line.path): unparsable line (\(reason.rawValue)): \(TerminalSafe.escape(bytes: line.text.buffer))")
    }

    mutating func failures(_ failures: [String]) {
        guard failures != lastFailures else { return }
        lastFailures = failures
        for failure in failures { warn(failure) }
    }
}
