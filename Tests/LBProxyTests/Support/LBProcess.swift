import Foundation
import LBTestSupport

/// The `lb` executable running a configuration from a temporary file, started and waited for: `start`
/// returns once lb printed its banner (every listener bound). Stopping it (SIGTERM, then SIGKILL after a
/// bound) also removes the file.
final class LBProcess {
    let process: ChildProcess
    let configPath: String
    private let errorsPath: String
    /// What lb printed before its banner's end.
    let banner: String

    /// `arguments` come before `-f` (for example `-L NAME`). With a `launcher` (a program and its
    /// arguments, such as `setpriv ... --`), that program runs lb.
    init(config: String, name: String, arguments: [String] = [], launcher: [String] = []) throws {
        configPath = FileManager.default.temporaryDirectory.appendingPathComponent("lb-\(name)-\(getpid()).cfg").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        process = ChildProcess()
        let command = launcher + [CommandTests.lbPath] + arguments + ["-f", configPath]
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let out = Pipe()
        process.standardOutput = out
        // Errors go to a file nobody has to drain, read at the stop for a crash report.
        errorsPath = configPath + ".err"
        _ = FileManager.default.createFile(atPath: errorsPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: errorsPath)
        try ProcessLaunch.run(process)
        // End of output (lb exited, or was killed after 20 s) ends the wait too.
        banner = process.read(out, until: "Stop with", within: 20)
    }

    var pid: Int32 { process.processIdentifier }

    /// What lb printed on its standard error so far.
    var errors: String { (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? "" }

    func stop() {
        process.stop()
        try? FileManager.default.removeItem(atPath: configPath)
        let errors = self.errors
        try? FileManager.default.removeItem(atPath: errorsPath)
        CrashReport.record(in: errors, of: "lb (\(configPath))")
    }
}
