import Foundation
import LBTestSupport
import NIOConcurrencyHelpers

/// The `lb` executable run with any arguments, its standard output and error gathered as they come, so
/// a test can wait for a line (a banner, a master's message) while lb goes on running.
final class LBRun: Sendable {
    let process: ChildProcess
    private let output = NIOLockedValueBox("")
    private let errors = NIOLockedValueBox("")
    /// Left by each reader thread at the end of its pipe.
    private let gathering = DispatchGroup()

    /// `environment` adds to (or, with nil values, removes from) the test's own environment.
    init(_ arguments: [String], environment: [String: String?] = [:]) throws {
        process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: CommandTests.lbPath)
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment
        for (name, value) in environment { variables[name] = value }
        process.environment = variables
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try ProcessLaunch.run(process)
        for (pipe, box) in [(out, output), (err, errors)] { Self.gather(pipe, into: box, gathering) }
    }

    /// Appends what arrives on `pipe` to `box` until its end, on a thread of its own that keeps the pipe
    /// (and so its descriptor) until then. Not FileHandle's `readabilityHandler`: its dispatch source
    /// can outlive the descriptor, which the handle closes when released, and libdispatch then crashed
    /// the test process on the stale registration once the number was reused.
    private static func gather(_ pipe: Pipe, into box: NIOLockedValueBox<String>, _ group: DispatchGroup) {
        group.enter()
        let reader = Thread {
            defer { group.leave() }
            let descriptor = pipe.fileHandleForReading.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 16384)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                box.withLockedValue { $0 += String(decoding: buffer[0..<count], as: UTF8.self) }
            }
            try? pipe.fileHandleForReading.close()
        }
        reader.name = "lb output"
        reader.start()
    }

    var pid: Int32 { process.processIdentifier }
    var standardOutput: String { output.withLockedValue { $0 } }
    var standardError: String { errors.withLockedValue { $0 } }

    /// How many times `text` occurs in what lb printed on both streams.
    func count(_ text: String) -> Int {
        (standardOutput.components(separatedBy: text).count - 1) + (standardError.components(separatedBy: text).count - 1)
    }

    /// Waits until lb printed `text` `times` times (on either stream).
    func waitFor(_ text: String, times: Int = 1, within seconds: Double = 30) async throws {
        try await waitUntil("'\(text)' \(times) time(s) from lb; it printed:\n\(standardOutput)\n\(standardError)", within: seconds) {
            count(text) >= times
        }
    }

    /// The process ids lb's banners named ("is running (pid N)"): the workers of a master.
    var bannerPIDs: [Int32] {
        standardOutput.components(separatedBy: "(pid ").dropFirst().compactMap { Int32($0.prefix { $0.isNumber }) }
    }

    /// Stops lb, and fails the test if lb or one of its workers (which print on the same streams)
    /// crashed on the way.
    func stop() {
        process.stop(grace: 15)
        // What lb printed last (a crash report) may still be in the pipes; workers that outlive the
        // master would hold them open, hence the bound.
        _ = gathering.wait(timeout: .now() + 5)
        CrashReport.record(in: standardOutput + standardError, of: "lb")
    }
}
