import Foundation
import LBTestSupport

/// A real haproxy 2.6 run beside lb with a configuration of the test's own, in its own directory, until
/// `stop()`.
final class HAProxyPeer {
    let process = ChildProcess()
    let directory: String

    /// Starts haproxy on `config` and waits until it listens on `port`.
    init(config: String, listening port: Int) async throws {
        directory = NSTemporaryDirectory() + "lb-haproxy-peer-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // haproxy refuses a file whose last line has no line end.
        try (config + "\n").write(toFile: directory + "/haproxy.cfg", atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: try RuntimeAPIInterop.haproxyPath.orThrow("haproxy is not installed"))
        process.arguments = ["-f", directory + "/haproxy.cfg", "-db"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try ProcessLaunch.run(process)
        do {
            try await waitUntil("haproxy to listen on \(port)") { (try? RawClient(port: port)) != nil }
        } catch {
            stop()
            throw error
        }
    }

    func stop() {
        process.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

private struct Missing: Error, CustomStringConvertible {
    let description: String
}

extension Optional {
    fileprivate func orThrow(_ message: String) throws -> Wrapped {
        guard let self else { throw Missing(description: message) }
        return self
    }
}
