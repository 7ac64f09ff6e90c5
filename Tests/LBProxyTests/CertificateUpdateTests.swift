import Foundation
import LBTestSupport
import NIOConcurrencyHelpers
import Testing
@testable import LBProxy

/// `set ssl cert` and `commit ssl cert` on the runtime API: a renewed certificate is served to the next
/// handshake while traffic flows, with no failed request.
@Suite(.serialized) struct CertificateUpdateTests {
    static func socat(_ path: String, _ input: String) throws -> String {
        try ExternalTool.run("socat", ["-t", "2", "stdio", "unix-connect:\(path)"], input: input).output
    }

    static func config(port: Int, pem: String, socket: String) -> String {
        """
        global
            stats socket \(socket) mode 600 level admin
        defaults
            mode http
            timeout connect 1s
            timeout client 5s
            timeout server 5s
        frontend fe
            bind 127.0.0.1:\(port) ssl crt \(pem)
            http-request return status 200 content-type text/plain string ok
        """
    }

    static func subject(_ port: Int) throws -> String {
        let output = try ExternalTool.run("openssl", ["s_client", "-nameopt", "RFC2253", "-connect", "127.0.0.1:\(port)",
                                                      "-servername", "a.example"], input: "", limit: 20).output
        return output.split(separator: "\n").first { $0.hasPrefix("subject=") }.map(String.init) ?? output
    }

    @Test func aRenewedCertificateServesTheNextHandshakeWithoutAFailedRequest() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pem = try certificates.server("site", names: ["a.example"])
        let renewed = try certificates.server("renewed", names: ["renewed.a.example", "a.example"])
        let socket = certificates.path("admin.sock")
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, pem: pem, socket: socket))
        #expect(try await offloaded { try Self.subject(port) } == "subject=CN=a.example")

        // A new TLS connection per request (Connection: close) for as long as the update takes.
        let codes = NIOLockedValueBox<[String]>([])
        let stop = NIOLockedValueBox(false)
        let client = Thread {
            while !stop.withLockedValue({ $0 }) {
                let outcome = try? ExternalTool.run("curl", [
                    "-sk", "-o", "/dev/null", "-w", "%{http_code}\\n", "-H", "Connection: close",
                    "--resolve", "a.example:\(port):127.0.0.1", "https://a.example:\(port)/[1-20]",
                ], limit: 30)
                codes.withLockedValue { $0 += (outcome?.output ?? "curl failed\n").split(separator: "\n").map(String.init) }
            }
        }
        client.start()
        try await waitUntil("requests flowing") { codes.withLockedValue { $0.count } >= 20 }

        let payload = try String(contentsOfFile: renewed, encoding: .utf8)
        let set = try await offloaded { try Self.socat(socket, "set ssl cert \(pem) <<\n\(payload)\n") }
        #expect(set == "Transaction updated for certificate \(pem)!\n\n")
        let listing = try await offloaded { try Self.socat(socket, "show ssl cert\n") }
        #expect(listing == "# transaction\n*\(pem)\n# filename\n\(pem)\n\n")
        // Uploaded, not yet served.
        #expect(try await offloaded { try Self.subject(port) } == "subject=CN=a.example")
        let commit = try await offloaded { try Self.socat(socket, "commit ssl cert \(pem)\n") }
        #expect(commit == "Committing \(pem)\nSuccess!\n\n")
        #expect(try await offloaded { try Self.subject(port) } == "subject=CN=renewed.a.example")
        let before = codes.withLockedValue { $0.count }
        try await waitUntil("more requests after the commit") { codes.withLockedValue { $0.count } >= before + 20 }
        stop.withLockedValue { $0 = true }
        try await waitUntil("the load to stop") { client.isFinished }

        let all = codes.withLockedValue { $0 }
        #expect(all.count >= 40)
        #expect(all.allSatisfy { $0 == "200" }, "\(all.filter { $0 != "200" })")
        #expect(lb.balancer.runtime.frontends[0].tls.failed.load(ordering: .relaxed) == 0)
        let description = try await offloaded { try Self.socat(socket, "show ssl cert \(pem)\n") }
        #expect(description.contains("Status: Used\n") && description.contains("Subject: /CN=renewed.a.example\n"), "\(description)")
        await lb.stop()
    }

    @Test func anUpdateThatDoesNotFitIsRefusedAndChangesNothing() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pem = try certificates.server("site", names: ["a.example"])
        try certificates.server("other", names: ["other.example"])
        let socket = certificates.path("admin.sock")
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, pem: pem, socket: socket))
        // A certificate with another certificate's key.
        let mismatched = try String(contentsOfFile: certificates.path("other.crt"), encoding: .utf8)
            + String(contentsOfFile: certificates.path("site.key"), encoding: .utf8)
        let refused = try await offloaded { try Self.socat(socket, "set ssl cert \(pem) <<\n\(mismatched)\n") }
        #expect(refused.hasPrefix("Can't update \(pem): the private key does not match the certificate"), "\(refused)")
        let unknown = try await offloaded { try Self.socat(socket, "set ssl cert /no/such.pem <<\n\(mismatched)\n") }
        #expect(unknown == "Can't replace a certificate which is not referenced by the configuration!\n\n")
        #expect(try await offloaded { try Self.socat(socket, "commit ssl cert \(pem)\n") } == "No ongoing transaction!\n\n")
        #expect(try await offloaded { try Self.subject(port) } == "subject=CN=a.example")
        await lb.stop()
    }
}
