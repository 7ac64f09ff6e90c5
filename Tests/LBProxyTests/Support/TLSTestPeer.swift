import Foundation
import LBTestSupport

/// A self-signed ECDSA P-256 certificate for `a.example`, made by openssl at test time (certificate and
/// key in one PEM, as `bind ... ssl crt FILE` reads it), and the real TLS clients the tests drive
/// against lb: curl and `openssl s_client`.
struct TLSTestPeer {
    static let serverName = "a.example"
    let directory: URL
    /// The PEM with the certificate and its key.
    var pem: String { directory.appendingPathComponent("a.pem").path }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("lb-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = directory.appendingPathComponent("k").path, certificate = directory.appendingPathComponent("c").path
        let made = try ExternalTool.run("openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
            "-out", certificate, "-days", "30", "-subj", "/CN=\(Self.serverName)",
            "-addext", "subjectAltName=DNS:\(Self.serverName)",
        ])
        guard made.status == 0 else { throw Failure(description: "openssl req failed: \(made.errors)") }
        let combined = try String(contentsOfFile: certificate, encoding: .utf8) + String(contentsOfFile: key, encoding: .utf8)
        try combined.write(toFile: pem, atomically: true, encoding: .utf8)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// GETs `paths` over one TLS connection with curl (SNI `a.example`, certificate not checked); returns
    /// the bodies. `arguments` adds curl options (`--tls-max 1.2`...).
    func curl(port: Int, _ paths: [String] = ["/"], _ arguments: [String] = []) throws -> String {
        let urls = paths.map { "https://\(Self.serverName):\(port)\($0)" }
        let outcome = try ExternalTool.run("curl", ["-sSk", "--resolve", "\(Self.serverName):\(port):127.0.0.1"] + arguments + urls,
                                           limit: 20)
        guard outcome.status == 0 else { throw Failure(description: "curl failed (\(outcome.status)): \(outcome.errors)") }
        return outcome.output
    }

    /// One TLS 1.2 handshake with `openssl s_client`, which then closes: saves the session to `session`
    /// (a new one), or resumes the one saved there. Returns what s_client printed (`New, ...` or
    /// `Reused, ...`).
    func handshake(port: Int, session: String, resume: Bool) throws -> String {
        let outcome = try ExternalTool.run("openssl", [
            "s_client", "-connect", "127.0.0.1:\(port)", "-servername", Self.serverName, "-tls1_2",
            resume ? "-sess_in" : "-sess_out", directory.appendingPathComponent(session).path,
        ], input: "", limit: 20)
        return outcome.output
    }
}
