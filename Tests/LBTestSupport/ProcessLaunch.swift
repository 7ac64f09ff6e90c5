import Foundation

/// Starts child processes one at a time. Foundation's `Process.run()` on Linux is not safe to call from
/// several threads at once: the test process, which runs many tests in parallel, crashed once inside it
/// (a memcpy of the child's spawn state) while curl, openssl and lb were being started together.
/// Only the launch is serialized; the children then run, and are waited for, concurrently.
public enum ProcessLaunch {
    private static let lock = NSLock()

    public static func run(_ process: Process) throws {
        lock.lock()
        defer { lock.unlock() }
        try process.run()
    }
}
