import Foundation
import LBCore

/// Certificates at runtime, as HAProxy's `show/set/commit/abort ssl cert`: a new PEM is uploaded into a
/// transaction (`set ssl cert NAME <<` followed by the PEM and an empty line), then committed, which swaps
/// it into every listener serving NAME for the handshakes that start afterwards. This is how certificates
/// are renewed without a reload.
extension RuntimeAPI {
    static let sslCommands: [RuntimeCommand] = [
        RuntimeCommand(words: ["show", "ssl", "cert"], arguments: "[<crtfile>]", help: "list certificates, or describe one",
                       level: .operator) { args, api in
            api.showCertificates(args.first)
        },
        RuntimeCommand(words: ["set", "ssl", "cert"], arguments: "<crtfile> <payload>",
                       help: "upload a new certificate (and key) for <crtfile> into a transaction", level: .admin) { args, api in
            api.setCertificate(args.first, payload: api.payload)
        },
        RuntimeCommand(words: ["commit", "ssl", "cert"], arguments: "<crtfile>", help: "serve the uploaded certificate",
                       level: .admin) { args, api in
            api.commitCertificate(args.first)
        },
        RuntimeCommand(words: ["abort", "ssl", "cert"], arguments: "<crtfile>", help: "drop the uploaded certificate",
                       level: .admin) { args, api in
            api.runtime.certificateTransactions.withLockedValue { $0.removeValue(forKey: args.first ?? "") } == nil
                ? "No ongoing transaction! !\n" : "Transaction aborted for certificate '\(args.first ?? "")'!\n"
        },
    ]

    /// Every listener's certificate store, and the certificate named `name` in it.
    private func certificate(named name: String) -> CertificateBundle? {
        for frontend in runtime.frontends {
            for terminator in frontend.terminators.compactMap({ $0 }) {
                if let bundle = terminator.certificates.bundles.first(where: { $0.name == name }) { return bundle }
            }
        }
        return nil
    }

    private var certificateNames: [String] {
        var names: [String] = []
        for frontend in runtime.frontends {
            for terminator in frontend.terminators.compactMap({ $0 }) {
                for bundle in terminator.certificates.bundles where !names.contains(bundle.name) { names.append(bundle.name) }
            }
        }
        return names
    }

    func showCertificates(_ name: String?) -> String {
        let pending = runtime.certificateTransactions.withLockedValue { $0 }
        guard let name else {
            var text = ""
            if !pending.isEmpty { text += "# transaction\n" + pending.keys.sorted().map { "*" + $0 + "\n" }.joined() }
            return text + "# filename\n" + certificateNames.map { $0 + "\n" }.joined()
        }
        let uncommitted = name.hasPrefix("*")
        let key = uncommitted ? String(name.dropFirst()) : name
        guard let bundle = uncommitted ? pending[key] : certificate(named: key) else {
            return "Can't display the certificate: Not found or the certificate is a bundle!\n"
        }
        return Self.describe(bundle, filename: name, status: uncommitted ? "Uncommitted" : "Used")
    }

    func setCertificate(_ name: String?, payload: String?) -> String {
        guard let name, certificate(named: name) != nil else {
            return "Can't replace a certificate which is not referenced by the configuration!\n"
        }
        guard let payload, !payload.isEmpty else { return "'set ssl cert' expects a filename and a certificate as a payload\n" }
        do throws(TLSSetupError) {
            // The payload holds the certificate, its chain and its key, as the file did; a key kept in
            // `NAME.key` beside the file is read from there.
            let keyPEM = FileManager.default.contents(atPath: name + ".key").map { Array($0) }
            let bundle = try CertificateLoader.bundle(name: name, pem: Array(payload.utf8), keyPEM: keyPEM)
            runtime.certificateTransactions.withLockedValue { $0[name] = bundle }
        } catch {
            return "Can't update \(name): \(error.message)\n"
        }
        return "Transaction updated for certificate \(name)!\n"
    }

    func commitCertificate(_ name: String?) -> String {
        guard let name, let bundle = runtime.certificateTransactions.withLockedValue({ $0.removeValue(forKey: name) }) else {
            return "No ongoing transaction!\n"
        }
        var replaced = 0
        for frontend in runtime.frontends {
            for terminator in frontend.terminators.compactMap({ $0 }) where terminator.replace(name, with: bundle) { replaced += 1 }
        }
        runtime.events.notice("certificate '\(name)' replaced at runtime on \(replaced) listener(s)")
        return "Committing \(name)\nSuccess!\n"
    }

    static func describe(_ bundle: CertificateBundle, filename: String, status: String) -> String {
        let leaf = bundle.chain[0]
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "MMM d HH:mm:ss yyyy 'GMT'"
        let date = { (seconds: Int) in formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))) }
        let der = (try? leaf.toDERBytes()) ?? []
        return """
        Filename: \(filename)
        Status: \(status)
        Serial: \(SHA1.hex(leaf.serialNumber))
        notBefore: \(date(Int(leaf.notValidBefore)))
        notAfter: \(date(bundle.notAfter))
        Subject Alternative Name: \(bundle.serverNames.map { "DNS:" + $0 }.joined(separator: ", "))
        Subject: \(TLSSessionFactsBuilder.distinguishedName(leaf.subjectName))
        Issuer: \(TLSSessionFactsBuilder.distinguishedName(leaf.issuerName))
        SHA1 FingerPrint: \(SHA1.hex(SHA1.digest(der)))

        """
    }
}
