import Foundation
import LBTestSupport

/// Certificates made by openssl at test time, in a fresh directory: a CA, server certificates it signs
/// (ECDSA or RSA, with the names asked for), client certificates, and PEM files as HAProxy's `crt` takes
/// them (certificate, then key, in one file).
struct TestCertificates {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "lb-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30",
                     "-keyout", path("ca.key"), "-out", path("ca.crt"), "-subj", "/O=lb tests/CN=lb test CA"])
    }

    func path(_ name: String) -> String { directory + "/" + name }

    /// A certificate for `names` (the first is its common name), signed by the CA; returns the PEM holding
    /// it and its key. `rsa`: an RSA 2048 key instead of ECDSA P-256.
    @discardableResult
    func server(_ file: String, names: [String], rsa: Bool = false, days: Int = 30) throws -> String {
        try issue(file, subject: "/CN=\(names[0])", extensions: "subjectAltName=" + names.map { "DNS:" + $0 }.joined(separator: ","),
                  rsa: rsa, days: days)
    }

    /// A client certificate signed by the CA (or, with `selfSigned`, by no one lb trusts).
    @discardableResult
    func client(_ file: String, commonName: String, selfSigned: Bool = false) throws -> String {
        if selfSigned {
            try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30",
                         "-keyout", path(file + ".key"), "-out", path(file + ".crt"), "-subj", "/CN=\(commonName)"])
            return try bundle(file)
        }
        return try issue(file, subject: "/O=lb tests/CN=\(commonName)", extensions: "extendedKeyUsage=clientAuth", rsa: false, days: 30)
    }

    private func issue(_ file: String, subject: String, extensions: String, rsa: Bool, days: Int) throws -> String {
        let key = rsa ? ["-newkey", "rsa:2048"] : ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
        try openssl(["req", "-new", "-nodes"] + key + ["-keyout", path(file + ".key"), "-out", path(file + ".csr"), "-subj", subject])
        try String(extensions + "\n").write(toFile: path(file + ".ext"), atomically: true, encoding: .utf8)
        try openssl(["x509", "-req", "-in", path(file + ".csr"), "-CA", path("ca.crt"), "-CAkey", path("ca.key"),
                     "-CAcreateserial", "-days", "\(days)", "-extfile", path(file + ".ext"), "-out", path(file + ".crt")])
        return try bundle(file)
    }

    /// `FILE.pem`: the certificate followed by its key.
    private func bundle(_ file: String) throws -> String {
        let pem = try String(contentsOfFile: path(file + ".crt"), encoding: .utf8)
            + String(contentsOfFile: path(file + ".key"), encoding: .utf8)
        try pem.write(toFile: path(file + ".pem"), atomically: true, encoding: .utf8)
        return path(file + ".pem")
    }

    private func openssl(_ arguments: [String]) throws {
        let outcome = try ExternalTool.run("openssl", arguments)
        guard outcome.status == 0 else {
            throw TestCertificateError(description: "openssl \(arguments.joined(separator: " ")): \(outcome.errors)")
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

struct TestCertificateError: Error, CustomStringConvertible {
    let description: String
}
