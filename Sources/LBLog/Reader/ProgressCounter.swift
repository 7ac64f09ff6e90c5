import Foundation

/// Bytes read from disk so far, shared between reader threads and a progress display.
public final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes = 0

    public init() {}

    public func add(_ n: Int) {
        lock.lock()
        bytes += n
        lock.unlock()
    }

    public var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return bytes
    }
}
