import LBLog

/// Lines that could not be read: how many, and the first few with where they came from.
public struct InvalidLines: Sendable {
    public struct Sample: Sendable, Equatable {
        public var file: String
        /// 1-based line number in the file (after decompression).
        public var line: Int
        public var reason: LineError
        public var text: String
    }

    public var count = 0
    public var samples: [Sample] = []
    public var byReason: [LineError: Int] = [:]
}
