import Foundation
import LBTestSupport

/// The `lblog` executable, built next to the test bundle, run as a child process whose stdout and
/// stderr are collected as they come, so a test can wait for what a long-running command (tail,
/// serve) prints.
final class LBLogProcess: @unchecked Sendable {
    static var executable: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = bundle.deletingLastPathComponent()
        if directory.lastPathComponent.hasSuffix(".xctest") { directory.deleteLastPathComponent() }
        return directory.appendingPathComponent("lblog").path
    }

    static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    private let process = ChildProcess()
    private let lock = NSLock()
    private var stdoutBytes = Data()
    private var stderrBytes = Data()
    private var readers: [Thread] = []

    init(_ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try ProcessLaunch.run(process)
        for (pipe, isError) in [(out, false), (err, true)] {
            let handle = pipe.fileHandleForReading
            let thread = Thread { [self] in
                while true {
                    let data = handle.availableData
                    if data.isEmpty { return }
                    lock.lock()
                    if isError { stderrBytes.append(data) } else { stdoutBytes.append(data) }
                    lock.unlock()
                }
            }
            thread.start()
            readers.append(thread)
        }
    }

    var output: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: stdoutBytes, as: UTF8.self)
    }

    var errors: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: stderrBytes, as: UTF8.self)
    }

    var outputBytes: [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        return Array(stdoutBytes)
    }

    var errorBytes: [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        return Array(stderrBytes)
    }

    var outputLines: [String] { output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }

    var isRunning: Bool { process.isRunning }

    /// The exit status, once it has exited.
    var status: Int32 { process.terminationStatus }

    /// Stops the child (SIGKILL to its pid: the test process may block SIGTERM, and its children
    /// inherit that) and waits for it, and for what it wrote to be collected: a child that exited on its
    /// own may still have output in its pipes.
    func stop() {
        process.signal(SIGKILL)
        process.waitUntilExit()
        while readers.contains(where: { !$0.isFinished }) { usleep(1000) }
    }

    deinit { stop() }
}

/// Polls `condition` until it holds or `timeout` passes (never a bare sleep standing in for a condition).
func eventually(timeout: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(10_000)
    }
    return try condition()
}

/// Appends text to a file, as another process writing a log would.
func appendText(_ text: String, to path: String) {
    let handle = FileHandle(forWritingAtPath: path)!
    handle.seekToEndOfFile()
    handle.write(Data(text.utf8))
    try? handle.close()
}
