import ArgumentParser
import Foundation
import LBLog
import LBReport
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#endif

/// `lblog serve`: follows logs and serves Prometheus metrics derived from them.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Follow logs and serve Prometheus metrics derived from them on GET /metrics.",
        discussion: """
        For proxies that export nothing themselves, such as a real HAProxy. The files are followed as \
        'lblog tail' follows them, from their end unless --from-start. Metrics:

          lblog_requests_total{frontend,backend,server,code}
              records by status class: code="2xx", "other" for TCP sessions
          lblog_request_duration_seconds{backend}
              histogram of Ta of HTTP requests, 1 ms to 30 s
          lblog_lines_total, lblog_unparsed_lines_total

        Examples:
          lblog serve --listen 127.0.0.1:9900 /var/log/haproxy.log
          lblog serve --listen [::1]:9900 --from-start /var/log/lb/access.log.gz
        """
    )

    @Option(name: .long, help: "Address and port to listen on: 127.0.0.1:9900, [::1]:9900, or :9900 for every address (port 0 picks a free one).")
    var listen: String

    @Argument(help: "Log files to follow (they may not exist yet).")
    var files: [String] = []

    @Flag(name: .long, help: "Count what the files already hold first (default: start at their end).")
    var fromStart = false

    @Option(name: .long, help: "How often to look at the files, such as 200ms or 1s.")
    var interval: String = "200ms"

    @Option(name: .long, help: "Names of the request header captures in order (tells request from response captures in CLF lines).")
    var captures: String?

    @Flag(name: [.short, .long], help: "No warnings about unreadable files on stderr.")
    var quiet = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("give the log files to follow") }
        _ = try ListenAddress.parse(listen)
        guard let milliseconds = DurationText.milliseconds(interval), milliseconds >= 1, milliseconds <= 60_000 else {
            throw ValidationError("--interval \(interval): expected a duration between 1ms and 60s, such as 200ms")
        }
    }

    func run() throws {
        let address = try ListenAddress.parse(listen)
        let sleep = UInt32(DurationText.milliseconds(interval) ?? 200) * 1000
        // The files are opened (at their end) before the address is announced: whatever is written
        // after that line shows in the counters.
        let tail = LogTail(paths: files, fromStart: fromStart, clfRequestCaptureCount: captureCount(captures))
        let metrics = NIOLockedValueBox(LogMetrics())
        let server: MetricsServer
        do {
            server = try MetricsServer(host: address.host, port: address.port) {
                metrics.withLockedValue { $0.render() }
            }
        } catch {
            throw RuntimeFailure(description: "cannot listen on \(listen): \(error)")
        }
        defer { server.close() }
        let shown = address.host.contains(":") ? "[\(address.host)]" : address.host
        writeStandardError("lblog: serving metrics on http://\(shown):\(server.port)/metrics\n")
        var reporter = FollowWarnings(quiet: quiet)
        for file in files where access(file, F_OK) != 0 { reporter.warn("\(file) does not exist yet: waiting for it") }
        while true {
            let failures = tail.poll { line in
                metrics.withLockedValue { $0.observe(line.outcome, line.entry) }
            }
            reporter.failures(failures)
            usleep(sleep)
        }
    }
}

/// `host:port`, `[v6]:port` or `:port` (every IPv4 address).
struct ListenAddress: Equatable {
    var host: String
    var port: Int

    static func parse(_ text: String) throws -> ListenAddress {
        let host: Substring, portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw ValidationError("--listen \(text): expected [ADDRESS]:PORT") }
            portText = rest.dropFirst()
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            throw ValidationError("--listen \(text): expected ADDRESS:PORT, such as 127.0.0.1:9900")
        }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw ValidationError("--listen \(text): '\(portText)' is not a port number")
        }
        return ListenAddress(host: host.isEmpty ? "0.0.0.0" : String(host), port: port)
    }
}
