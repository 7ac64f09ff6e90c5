import LBLog

/// Follows several logs and parses every line they add: the engine of `lblog tail` and `lblog serve`.
/// Each `poll` asks every follower once, in the order the files were named. Not thread-safe: one
/// polling thread owns it.
public final class LogTail {
    public let followers: [LogFollower]
    private let parser = LogLineParser()
    private var entry = LogEntry()

    public init(paths: [String], fromStart: Bool, clfRequestCaptureCount: Int? = nil) {
        followers = paths.map { LogFollower(path: $0, fromStart: fromStart) }
        parser.clfRequestCaptureCount = clfRequestCaptureCount
    }

    /// One line as the tail saw it. The entry and the line's bytes are valid during the call only.
    public struct Line {
        public var path: String
        public var outcome: LineOutcome
        public var entry: LogEntry
        public var text: ByteSlice
    }

    /// Polls every file once and calls `body` with each new line. Returns the files that could not be
    /// read this time, with why (they are tried again at the next poll).
    @discardableResult
    public func poll(_ body: (Line) -> Void) -> [String] {
        var failures: [String] = []
        for follower in followers {
            do {
                try follower.poll { p, n in
                    let outcome = parser.parse(p, count: n, into: &entry)
                    body(Line(path: follower.path, outcome: outcome, entry: entry, text: ByteSlice(base: p, count: n)))
                }
            } catch {
                failures.append("\(error)")
            }
        }
        return failures
    }
}
