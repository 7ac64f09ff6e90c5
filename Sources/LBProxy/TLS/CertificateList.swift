import Foundation

/// A `crt-list` file: one certificate per line, `PATH [[options]] [SNI filter...]`. The filters name
/// what the certificate answers to instead of its own names (a `!name` excludes one); `#` starts a comment.
/// Per-line TLS options are not applied: they are reported.
enum CertificateList {
    static func load(_ path: String, base: String?, warn: (String) -> Void) throws(TLSSetupError) -> [CertificateBundle] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TLSSetupError(file: path, "cannot read the crt-list")
        }
        var bundles: [CertificateBundle] = []
        for (number, rawLine) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard !words.isEmpty else { continue }
            let file = words.removeFirst()
            let certificatePath = file.hasPrefix("/") || base == nil ? file : base! + "/" + file
            if let open = words.firstIndex(where: { $0.hasPrefix("[") }) {
                let close = words[open...].firstIndex(where: { $0.hasSuffix("]") }) ?? words.count - 1
                warn("\(path):\(number + 1): per-certificate options \(words[open...close].joined(separator: " ")) are not applied")
                words.removeSubrange(open...close)
            }
            let filters = words.filter { !$0.hasPrefix("!") }
            for bundle in try CertificateLoader.load(certificatePath) {
                bundles.append(filters.isEmpty ? bundle : bundle.named(filters))
            }
        }
        if bundles.isEmpty { throw TLSSetupError(file: path, "the crt-list names no certificate") }
        return bundles
    }
}
