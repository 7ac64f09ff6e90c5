import Foundation
#if canImport(Glibc)
import Glibc
import LBShared
#endif

/// A program the tests run (lb, haproxy, curl...), started with `posix_spawn` and reaped by a thread of
/// its own: the subset of Foundation's `Process` the tests use, without its launch.
///
/// Foundation's `Process.run()` on Linux lists /proc/self/fd and copies each entry's whole 256-byte
/// `d_name`, although readdir's records are only as long as their names (swift-corelibs-foundation#5472,
/// fixed after the Swift 6.3.1 toolchain this project builds with). With the hundreds of sockets the test
/// process holds, the copy runs past glibc's directory buffer, and when that buffer ends a mapping the
/// whole test process dies: it did, in CI and here. This launch closes the child's other descriptors
/// with `closefrom` instead of listing them.
///
/// The child also starts with default signal dispositions and an empty signal mask, whatever the
/// launching thread blocks, and in a process group of its own, as Foundation's children do.
public final class ChildProcess: @unchecked Sendable {
    public var executableURL: URL?
    public var arguments: [String] = []
    /// The child's whole environment; nil: the test process's.
    public var environment: [String: String]?
    public var currentDirectoryURL: URL?
    /// A `Pipe` (the child gets its reading end), a `FileHandle`, or nil (the test process's own).
    public var standardInput: Any?
    /// A `Pipe` (the child gets its writing end), a `FileHandle`, or nil (the test process's own).
    public var standardOutput: Any?
    public var standardError: Any?

    public struct LaunchFailure: Error, CustomStringConvertible {
        public let description: String
    }

    private let state = NSCondition()
    private var pid: pid_t = 0
    private var running = false
    private var status: Int32 = 0

    public init() {}

    public var processIdentifier: Int32 { state.withLock { pid } }
    /// True from the launch until the child has been reaped: its pid is not reused before.
    public var isRunning: Bool { state.withLock { running } }
    /// The exit status, or the signal number when a signal ended the child.
    public var terminationStatus: Int32 { state.withLock { Self.exited(status) ? Self.exitStatus(status) : Self.signal(status) } }
    public var terminationReason: Process.TerminationReason { state.withLock { Self.exited(status) ? .exit : .uncaughtSignal } }

    public func run() throws {
        guard let path = executableURL?.path else { throw LaunchFailure(description: "no executable") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The pipe ends the child gets, closed in the parent once the child has its copies.
        var childEnds: [FileHandle] = []
        for (target, stream, childReads) in [(Int32(0), standardInput, true), (1, standardOutput, false), (2, standardError, false)] {
            let handle: FileHandle?
            switch stream {
            case let pipe as Pipe:
                handle = childReads ? pipe.fileHandleForReading : pipe.fileHandleForWriting
                childEnds.append(handle!)
            case let file as FileHandle:
                handle = file
            default:
                handle = nil
            }
            if let handle { posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, target) }
        }
        if let directory = currentDirectoryURL?.path, Self.addChdir(&actions, directory) != 0 {
            throw LaunchFailure(description: "posix_spawn_file_actions_addchdir_np failed")
        }
        guard Self.addCloseFrom(&actions, 3) == 0 else { throw LaunchFailure(description: "posix_spawn_file_actions_addclosefrom_np failed") }

        let child: pid_t
        do {
            child = try CleanSpawn.spawn(path, arguments: [path] + arguments,
                                         environment: environment ?? ProcessInfo.processInfo.environment,
                                         actions: &actions, flags: Int16(POSIX_SPAWN_SETPGROUP))
        } catch {
            throw LaunchFailure(description: "cannot start \(path): \(error.reason)")
        }
        for handle in childEnds { try? handle.close() }
        let launched = child
        state.withLock {
            pid = launched
            running = true
        }
        let reaper = Thread { [self] in
            var status: Int32 = 0
            while waitpid(launched, &status, 0) < 0 && errno == EINTR {}
            state.withLock {
                self.status = status
                running = false
                state.broadcast()
            }
        }
        reaper.name = "reaper \(launched)"
        reaper.start()
    }

    public func waitUntilExit() {
        state.withLock { while running { state.wait() } }
    }

    /// SIGTERM, while the child runs (afterwards its pid may be another process's).
    public func terminate() {
        signal(SIGTERM)
    }

    /// Sends `number` to the child if it has not been reaped yet.
    public func signal(_ number: Int32) {
        state.withLock { if running { _ = kill(pid, number) } }
    }

    private static func exited(_ status: Int32) -> Bool { status & 0x7f == 0 }
    private static func exitStatus(_ status: Int32) -> Int32 { (status >> 8) & 0xff }
    private static func signal(_ status: Int32) -> Int32 { status & 0x7f }

    /// glibc's posix_spawn_file_actions_addclosefrom_np (2.34 and later) and addchdir_np (2.29), which
    /// Swift's Glibc module leaves out (they are declared only under _GNU_SOURCE).
    private static func addCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: Int32) -> Int32 {
        typealias Function = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return -1 }
        return unsafeBitCast(symbol, to: Function.self)(actions, lowest)
    }

    private static func addChdir(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: String) -> Int32 {
        typealias Function = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else { return -1 }
        return unsafeBitCast(symbol, to: Function.self)(actions, path)
    }
}
