import Foundation

/// Runs blocking work (sockets, child processes) on a thread of its own, so that the test's cooperative threads stay free for
/// concurrent tasks. Not on a dispatch queue: on Linux Swift's cooperative pool and the global dispatch
/// queues share a small set of threads, and a few blocked clients there can starve the tasks under test
/// (a wait for a condition then only runs after the clients have given up).
public func offloaded<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try body() })
        }
    }
}
