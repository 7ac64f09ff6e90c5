import Foundation
import LBTestSupport

/// A throwaway PostgreSQL cluster from Debian's packages, run as the `postgres` user (the server refuses
/// to run as root): superuser `lb` with trust authentication over TCP, and role `ghost` rejected by
/// pg_hba.conf. Needs root (to switch user) and the postgresql package.
final class PostgreSQLServer: Sendable {
    /// The newest installed server's binaries, e.g. /usr/lib/postgresql/15/bin.
    static let binaries: String? = {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions.compactMap(Int.init).max().map { "\(root)/\($0)/bin" }
            .flatMap { FileManager.default.isExecutableFile(atPath: $0 + "/postgres") ? $0 : nil }
    }()
    static let runuser = "/usr/sbin/runuser"
    static var available: Bool { binaries != nil && getuid() == 0 && FileManager.default.isExecutableFile(atPath: runuser) }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let directory: String
    let port: Int
    let process: ChildProcess

    init(port: Int) async throws {
        guard let binaries = Self.binaries else { throw Failure(description: "PostgreSQL is not installed") }
        self.port = port
        directory = NSTemporaryDirectory() + "lb-pgsql-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: directory)
        let data = directory + "/data"
        let initdb = try await ExternalTool.run(Self.runuser, ["-u", "postgres", "--", binaries + "/initdb", "-D", data, "-A", "trust", "-U", "lb"])
        guard initdb.status == 0 else { throw Failure(description: "initdb failed: \(initdb.errors)") }
        try """
        host all ghost 127.0.0.1/32 reject
        host all all 127.0.0.1/32 trust
        local all all trust

        """.write(toFile: data + "/pg_hba.conf", atomically: false, encoding: .utf8)
        process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: Self.runuser)
        process.arguments = ["-u", "postgres", "--", binaries + "/postgres", "-D", data, "-p", "\(port)", "-k", directory,
                             "-c", "listen_addresses=127.0.0.1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try ProcessLaunch.run(process)
        try await waitUntil("PostgreSQL to listen on \(port)") { (try? RawClient(port: port)) != nil }
    }

    /// Stops the server at once (SIGQUIT to the postmaster, whose pid it wrote) and removes the cluster.
    func stop() {
        if let text = try? String(contentsOfFile: directory + "/data/postmaster.pid", encoding: .utf8),
           let line = text.split(separator: "\n").first, let pid = Int32(line) {
            kill(pid, SIGQUIT)
        }
        if !process.waitUntilExit(within: 10) { process.stop() }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
