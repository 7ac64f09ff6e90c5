import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How a started copy of lb tells whoever started it that it is serving: one byte on a pipe whose
/// writing end it inherits, named by an environment variable. The end of the pipe without that byte
/// means the copy exited (or failed) before it was up.
struct ReadyPipe {
    let readEnd: Int32
    let writeEnd: Int32

    init() throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw SelfSpawn.Failure(description: "pipe: \(String(cString: strerror(errno)))") }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    /// In the starting process, once the copy is spawned: only the copy may hold the writing end, so
    /// that the copy's exit ends the wait.
    func closeWriteEnd() { close(writeEnd) }

    /// Blocks until the copy reports (true) or the pipe ends (false); then closes the reading end.
    func waitForReady() -> Bool {
        defer { close(readEnd) }
        var byte: UInt8 = 0
        var count: Int
        repeat { count = read(readEnd, &byte, 1) } while count < 0 && errno == EINTR
        return count == 1
    }

    /// In the copy: reports readiness on the descriptor `variable` names, once, and forgets it so that
    /// processes the copy starts in turn do not inherit the duty. False when there was nothing to report to.
    @discardableResult
    static func report(variable: String) -> Bool {
        guard let text = ProcessInfo.processInfo.environment[variable], let descriptor = Int32(text) else { return false }
        var byte: UInt8 = 1
        _ = write(descriptor, &byte, 1)
        close(descriptor)
        unsetenv(variable)
        return true
    }
}
