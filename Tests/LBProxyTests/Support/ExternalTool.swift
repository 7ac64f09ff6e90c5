import Foundation

/// Runs a program to completion (found on PATH unless `executable` is a path), feeding it `input` and
/// collecting its output: the one way tests drive real peers (halog, socat, zcat, wrk, lb itself).
struct ExternalTool {
    struct Outcome {
        var status: Int32
        var output: String
        var errors: String
    }

    static func run(_ executable: String, _ arguments: [String], input: String? = nil) throws -> Outcome {
        let process = Process()
        if executable.hasPrefix("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        // Read both pipes concurrently so that a chatty stderr cannot block the program.
        let errorsBox = ErrorsBox()
        let reader = Thread { errorsBox.data = stderr.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return Outcome(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
                       errors: String(decoding: errorsBox.data, as: UTF8.self))
    }

    private final class ErrorsBox: @unchecked Sendable {
        var data = Data()
    }
}
