import LBConfig
import Testing
@testable import LBCore

struct RetryPolicyTests {
    typealias Decision = RetryPolicy.Decision

    /// A failure on a running server, balanced (not persistent), refused, two running servers.
    static func failure(retriesDone: Int = 0, running: Bool = true, persistent: Bool = false, runningServers: Int = 2,
                        timedOut: Bool = false, afterConnect: Bool = false) -> RetryPolicy.Failure {
        RetryPolicy.Failure(retriesDone: retriesDone, serverRunning: running, persistent: persistent,
                            runningServers: runningServers, timedOut: timedOut, afterConnect: afterConnect)
    }

    @Test(arguments: [
        // No redispatch: the same server, after the pause, until the retries are used up.
        (nil, false, failure(), Decision.retrySameServer(afterMilliseconds: 1000)),
        (nil, false, failure(timedOut: true), .retrySameServer(afterMilliseconds: 0)),
        (nil, false, failure(retriesDone: 3), .giveUp),
        // Without `option redispatch` even a DOWN server is retried.
        (nil, false, failure(running: false), .retrySameServer(afterMilliseconds: 1000)),
        (0, false, failure(running: false), .retrySameServer(afterMilliseconds: 1000)),
        // Default interval (-1): only the last of 3 retries moves.
        (-1, false, failure(retriesDone: 0), .retrySameServer(afterMilliseconds: 1000)),
        (-1, false, failure(retriesDone: 1), .retrySameServer(afterMilliseconds: 1000)),
        (-1, false, failure(retriesDone: 2), .redispatch),
        (-1, false, failure(retriesDone: 3), .giveUp),
        // -2: the retry before the last (retry 2 of 3).
        (-2, false, failure(retriesDone: 1), .redispatch),
        (-2, false, failure(retriesDone: 0), .retrySameServer(afterMilliseconds: 1000)),
        // Every retry.
        (1, false, failure(retriesDone: 0), .redispatch),
        // Every second retry.
        (2, false, failure(retriesDone: 0), .retrySameServer(afterMilliseconds: 1000)),
        (2, false, failure(retriesDone: 1), .redispatch),
        // A server that is no longer running is left at once, whatever the interval.
        (-1, false, failure(running: false), .redispatch),
        (2, false, failure(running: false, persistent: true), .redispatch),
        // Rotating balancers leave at once when another server runs and nothing binds the request.
        (-1, true, failure(), .redispatch),
        (-1, true, failure(persistent: true), .retrySameServer(afterMilliseconds: 1000)),
        (-1, true, failure(runningServers: 1), .retrySameServer(afterMilliseconds: 1000)),
        (nil, true, failure(), .retrySameServer(afterMilliseconds: 1000)),
        // A failed answer keeps its server unless a rule above applies, and goes again at once.
        (-1, true, failure(afterConnect: true), .retrySameServer(afterMilliseconds: 0)),
        (-1, true, failure(running: false, afterConnect: true), .redispatch),
    ] as [(Int?, Bool, RetryPolicy.Failure, Decision)])
    func decides(interval: Int?, rotates: Bool, failure: RetryPolicy.Failure, expected: Decision) {
        let policy = RetryPolicy(retries: 3, redispatchInterval: interval, pauseMilliseconds: 1000, rotates: rotates)
        #expect(policy.decide(failure) == expected)
    }

    @Test func aDueRetryLeavesAServerThatStoppedRunning() {
        let policy = RetryPolicy(retries: 3, redispatchInterval: -1, pauseMilliseconds: 1000, rotates: false)
        #expect(policy.leavesAtRetry(serverRunning: false))
        #expect(!policy.leavesAtRetry(serverRunning: true))
        let without = RetryPolicy(retries: 3, redispatchInterval: nil, pauseMilliseconds: 1000, rotates: false)
        #expect(!without.leavesAtRetry(serverRunning: false))
    }

    @Test(arguments: [
        ("roundrobin", true), ("static-rr", true), ("random", true),
        ("leastconn", false), ("first", false), ("source", false), ("uri", false),
    ])
    func rotationFollowsTheAlgorithm(balance: String, rotates: Bool) throws {
        let plan = try compiledBackend("""
            defaults
                mode http
                timeout connect 300ms
            backend be
                balance \(balance)
                retries 2
                option redispatch
                server a 127.0.0.1:1
            """)
        let policy = RetryPolicy(plan)
        #expect(policy.rotates == rotates)
        #expect(policy.retries == 2)
        #expect(policy.pauseMilliseconds == 300)
        #expect(policy.redispatchInterval == -1)
    }

    private func compiledBackend(_ text: String) throws -> BackendPlan {
        let loaded = ConfigurationLoader.parse(text, name: "test.cfg")
        let configuration = try #require(loaded.configuration)
        let plan = try #require(ProxyPlan.compile(configuration).plan)
        return try #require(plan.backends.first)
    }
}
