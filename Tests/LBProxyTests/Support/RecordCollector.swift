import LBLog
import LBProxy
import NIOConcurrencyHelpers

/// Keeps every access-log record lb produces, for tests to inspect.
final class RecordCollector: AccessLogReceiver, Sendable {
    private let stored = NIOLockedValueBox<[LogRecord]>([])

    var records: [LogRecord] { stored.withLockedValue { $0 } }

    func record(_ record: LogRecord, frontend: Int) {
        stored.withLockedValue { $0.append(record) }
    }

    /// Waits (polling, bounded) until `count` records arrived; records are written when the exchange
    /// ends, which may be just after the client saw its response.
    func waitFor(_ count: Int, timeoutMilliseconds: Int = 5000) async -> [LogRecord] {
        var waited = 0
        while records.count < count && waited < timeoutMilliseconds {
            try? await Task.sleep(nanoseconds: 5_000_000)
            waited += 5
        }
        return records
    }
}
