/// A wait for a condition that timed out: the test fails with what it waited for, instead of hanging.
public struct WaitTimedOut: Error, CustomStringConvertible {
    public let description: String
}

/// Polls `condition` every few milliseconds until it holds; throws `WaitTimedOut` naming `what` once
/// `seconds` passed. Every wait in the tests is bounded: on a loaded machine a lost request or a dead
/// peer must fail one test, not stall the whole run. `what` is read at the timeout, so it can say what
/// the condition saw last.
public func waitUntil(_ what: @autoclosure () -> String, within seconds: Double = 30, _ condition: () throws -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + .milliseconds(Int(seconds * 1000))
    while try !condition() {
        guard clock.now < deadline else { throw WaitTimedOut(description: "timed out after \(seconds) s waiting for \(what())") }
        try await Task.sleep(nanoseconds: 5_000_000)
    }
}
