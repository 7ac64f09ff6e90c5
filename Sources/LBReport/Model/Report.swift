/// The report as data: what every renderer (text, JSON, CSV, Markdown, HTML) draws from. Its JSON form
/// is the stable, documented output of `lblog report --format json` (schema `lblog.report/1`; fields are
/// only ever added). Durations are milliseconds, dates are the logged wall-clock time
/// (`yyyy-mm-dd HH:MM:SS.mmm`, no offset: HAProxy does not log one), rates are per second, shares are
/// fractions between 0 and 1.
public struct Report: Codable, Sendable {
    public var schema = "lblog.report/1"
    public var inputs: [Input]
    public var lines: Lines
    public var invalid: Invalid
    public var timeRange: TimeRange?
    public var status: Status
    public var errors: Errors
    public var latency: Latency
    public var urls: URLs
    public var slowest: [Slow]
    public var timeline: TimelineReport
    public var slo: SLOReport?
    /// Records lb refused itself (termination state `P...`), and the clients with the most.
    public var denied: Denied?
    public var groups: Groups?
    /// The servers' state changes from the log's event lines (absent from reports of older versions).
    public var serverStates: ServerStateChanges?
    public var warnings: [String]

    public struct Input: Codable, Sendable {
        public var path: String
        public var gzip: Bool
        public var bytes: Int
    }

    public struct Lines: Codable, Sendable {
        public var total: Int
        /// Traffic records counted in the report (after --since/--until/--filter).
        public var records: Int
        public var http: Int
        public var tcp: Int
        public var blank: Int
        /// Syslog messages that are not traffic (server state changes, alerts).
        public var events: Int
        public var invalid: Int
        public var filteredOut: Int
    }

    public struct Invalid: Codable, Sendable {
        public var count: Int
        public var byReason: [String: Int]
        public var samples: [Sample]

        public struct Sample: Codable, Sendable {
            public var file: String
            public var line: Int
            public var reason: String
            public var text: String
        }
    }

    public struct TimeRange: Codable, Sendable {
        public var first: String
        public var last: String
        public var firstMs: Int64
        public var lastMs: Int64
        public var seconds: Double
        /// Records per second over the range.
        public var rate: Double
    }

    public struct Status: Codable, Sendable {
        /// `1xx`...`5xx` and `other` (TCP sessions, no status).
        public var classes: [String: Int]
        public var codes: [Code]

        public struct Code: Codable, Sendable {
            public var code: Int
            public var count: Int
        }
    }

    public struct Errors: Codable, Sendable {
        /// Requests with a 5xx status or a -1 timer.
        public var total: Int
        public var rate: Double
        public var serverErrors: Int
        public var aborted: Int
        public var termination: [Termination]

        public struct Termination: Codable, Sendable {
            /// First two termination characters, e.g. `sH`.
            public var state: String
            public var count: Int
            public var errors: Int
            public var meaning: String
        }
    }

    public struct Latency: Codable, Sendable {
        public var definition: String
        public var percentiles: [Double]
        /// HTTP requests only.
        public var overall: [TimerRow]
        public var frontends: [GroupRow]
        public var backends: [GroupRow]
        public var servers: [GroupRow]
    }

    public struct TimerRow: Codable, Sendable {
        public var timer: String
        public var count: Int
        public var mean: Double
        public var min: Int?
        /// Same order as `Latency.percentiles`.
        public var values: [Int?]
        public var max: Int?
    }

    public struct GroupRow: Codable, Sendable {
        public var name: String
        public var requests: Int
        public var errors: Int
        public var errorRate: Double
        public var serverErrors: Int
        public var classes: [String: Int]
        public var bytes: Int64
        public var timers: [TimerRow]
    }

    public struct URLs: Codable, Sendable {
        public var distinct: Int
        public var byCount: [URLRow]
        public var byTotalTime: [URLRow]
        public var byP99: [URLRow]
        public var byErrors: [URLRow]
    }

    public struct URLRow: Codable, Sendable {
        public var url: String
        public var requests: Int
        public var errors: Int
        public var totalTime: Int
        public var mean: Double
        /// From a compact histogram: within about 6 % of the true value.
        public var p99: Int?
    }

    public struct Slow: Codable, Sendable {
        public var ta: Int
        public var date: String?
        public var line: String
    }

    public struct TimelineReport: Codable, Sendable {
        public var intervalMs: Int64
        public var interval: String
        public var slots: [Slot]

        public struct Slot: Codable, Sendable {
            public var start: String
            public var startMs: Int64
            public var requests: Int
            public var rate: Double
            public var errors: Int
            public var errorRate: Double
            /// Ta percentiles of HTTP requests in the slot (compact histogram: within about 3 %).
            public var p50: Int?
            public var p99: Int?
        }
    }

    public struct SLOReport: Codable, Sendable {
        public var thresholdMs: Int
        public var target: Double
        public var good: Int
        public var total: Int
        /// good / total.
        public var compliance: Double
        /// Share of the error budget (1 − target) used: 1.0 = exactly spent; above 1 = breached.
        public var budgetBurned: Double
        public var met: Bool
    }

    public struct Denied: Codable, Sendable {
        public var total: Int
        /// Up to `--top` clients, the most denied first.
        public var clients: [Client]

        public struct Client: Codable, Sendable {
            public var client: String
            public var count: Int
        }
    }

    public struct Groups: Codable, Sendable {
        public var by: [String]
        public var rows: [GroupRow]
    }
}
