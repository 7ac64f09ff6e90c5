import LBConfig

/// The settings exchanges read from their frontend or backend: its timeouts and, for a backend, its retry
/// rules. Built once per proxy and shared by reference: every connection holds its frontend's and every
/// exchange in flight its backend's, and keeping these (about 200 bytes) inline would cost that much per
/// idle connection.
public final class ExchangePolicy: Sendable {
    public let timeouts: Timeouts
    public let retryPolicy: RetryPolicy
    /// `retry-on`: which failures after a connect are retried.
    public let retryOn: RetryConditions

    public init(timeouts: Timeouts, retryPolicy: RetryPolicy = RetryPolicy(retries: 0, redispatchInterval: nil,
                pauseMilliseconds: 0, rotates: false), retryOn: RetryConditions = RetryConditions()) {
        self.timeouts = timeouts
        self.retryPolicy = retryPolicy
        self.retryOn = retryOn
    }
}
