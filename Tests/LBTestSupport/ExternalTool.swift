import Foundation

/// Runs a program to completion (found on PATH unless `executable` is a path), feeding it `input` and
/// collecting its output: the one way tests drive real peers (halog, promtool, socat, zcat, curl,
/// chromium, lb itself).
///
/// Every run is bounded: the program runs under coreutils' `timeout`, which after `limit` seconds kills
/// its whole process group (chromium's helpers too, which would otherwise hold the output pipes open),
/// and the run throws. A peer that hangs then fails its test, naming the peer, instead of hanging the
/// test run.
public enum ExternalTool {
    public struct Outcome: Sendable {
        public var status: Int32
        public var output: String
        public var errors: String
    }

    public struct TimedOut: Error, CustomStringConvertible {
        public let description: String
    }

    public static func run(_ executable: String, _ arguments: [String], input: String? = nil,
                           limit: Int = 60) throws -> Outcome {
        try run(executable, arguments, input: input.map { Data($0.utf8) }, limit: limit)
    }

    /// From a task: the same run on a thread of its own, so that a program taking seconds does not hold
    /// one of the few cooperative threads every other test's task needs.
    public static func run(_ executable: String, _ arguments: [String], input: String? = nil,
                           limit: Int = 60) async throws -> Outcome {
        try await offloaded { try run(executable, arguments, input: input.map { Data($0.utf8) }, limit: limit) }
    }

    public static func run(_ executable: String, _ arguments: [String], input: Data?, limit: Int = 60) async throws -> Outcome {
        try await offloaded { try run(executable, arguments, input: input, limit: limit) }
    }

    public static func run(_ executable: String, _ arguments: [String], input: Data?, limit: Int = 60) throws -> Outcome {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        // `--kill-after`: a program that ignores SIGTERM gets SIGKILL 5 s later.
        process.arguments = ["--kill-after=5", "\(limit)", executable] + arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        let started = ContinuousClock.now
        try ProcessLaunch.run(process)
        // Input, output and errors move concurrently, so that no pipe filling up can stall the program.
        let writer = Thread {
            if let input { try? stdin.fileHandleForWriting.write(contentsOf: input) }
            try? stdin.fileHandleForWriting.close()
        }
        let errorsBox = DataBox()
        let reader = Thread { errorsBox.data = Self.readToEnd(stderr.fileHandleForReading.fileDescriptor) }
        writer.start()
        reader.start()
        let output = Self.readToEnd(stdout.fileHandleForReading.fileDescriptor)
        process.waitUntilExit()
        while !reader.isFinished || !writer.isFinished { usleep(1000) }
        let outcome = Outcome(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
                              errors: String(decoding: errorsBox.data, as: UTF8.self))
        // Told by the time taken, not the status: a program that ignores SIGTERM ends only with the
        // SIGKILL that follows, which ends `timeout` itself too.
        if started.duration(to: .now) >= .seconds(limit) {
            throw TimedOut(description: "\(executable) \(arguments.joined(separator: " ")) did not finish within \(limit) s;"
                           + " it printed: \(outcome.output.suffix(300)) \(outcome.errors.suffix(300))")
        }
        return outcome
    }

    /// Reads a pipe to its end. FileHandle's own reader treats an interrupted read (EINTR: the test
    /// process catches SIGCHLD for the programs it runs) as fatal; this one reads again.
    public static func readToEnd(_ descriptor: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                data.append(contentsOf: buffer[0..<count])
            } else if count == 0 || errno != EINTR {
                return data
            }
        }
    }

    private final class DataBox: @unchecked Sendable {
        var data = Data()
    }
}
