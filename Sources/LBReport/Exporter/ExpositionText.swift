import LBShared

/// Writes metric families in the Prometheus text exposition format (0.0.4), as LBStats does for lb:
/// `# HELP` and `# TYPE` once per family, then its samples.
struct ExpositionText {
    enum Kind: String { case counter, gauge, histogram }

    private(set) var bytes: [UInt8] = []

    mutating func family(_ name: String, _ help: String, _ kind: Kind) {
        add("# HELP \(name) \(help)\n# TYPE \(name) \(kind.rawValue)\n")
    }

    /// `name{labels} value`; `labels` is preformatted (see `label`), possibly empty.
    mutating func sample(_ name: String, _ labels: String, _ value: String) {
        add(name)
        if !labels.isEmpty { add("{" + labels + "}") }
        add(" " + value + "\n")
    }

    mutating func histogram(_ name: String, _ labels: String, _ histogram: LatencyHistogram) {
        var cumulative = 0
        let prefix = labels.isEmpty ? "" : labels + ","
        for (index, count) in histogram.counts.enumerated() {
            cumulative += count
            sample(name + "_bucket", prefix + Self.label("le", LatencyHistogram.layout.labels[index]), String(cumulative))
        }
        sample(name + "_sum", labels, SecondsFormat.string(microseconds: histogram.sumMilliseconds * 1000))
        sample(name + "_count", labels, String(cumulative))
    }

    private mutating func add(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// `name="value"` with the format's escapes (backslash, double quote, newline).
    static func label(_ name: String, _ value: String) -> String {
        var text = name + "=\""
        for character in value.unicodeScalars {
            switch character {
            case "\\": text += "\\\\"
            case "\"": text += "\\\""
            case "\n": text += "\\n"
            default: text.unicodeScalars.append(character)
            }
        }
        return text + "\""
    }

    /// Several labels, comma-separated, in the order given.
    static func labels(_ pairs: KeyValuePairs<String, String>) -> String {
        pairs.map { label($0.key, $0.value) }.joined(separator: ",")
    }
}
