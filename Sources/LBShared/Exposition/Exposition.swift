/// Writes metric families in the Prometheus text format (0.0.4) or OpenMetrics: `# HELP` and `# TYPE`
/// once per family, written lazily before its first sample so a family without samples leaves no trace.
///
/// Scrapes of a large configuration write hundreds of thousands of samples, so everything per sample is
/// bytes: labels arrive preformatted (see `label`), built once per entity rather than once per sample,
/// and values are written digit by digit.
public struct Exposition {
    public enum Kind: Sendable { case counter, gauge, histogram }

    public let format: PrometheusFormat
    private var out: TextBuffer
    /// Which families to write (an exporter's `metrics=` filter, say); the others are skipped with
    /// their samples.
    private let wants: (String) -> Bool
    private var pendingHeader: (name: String, help: String, kind: Kind)?
    private var currentName: [UInt8] = []
    private var enabled = false

    public init(format: PrometheusFormat, capacity: Int = 4096, wants: @escaping (String) -> Bool = { _ in true }) {
        self.out = TextBuffer(capacity: capacity)
        self.format = format
        self.wants = wants
    }

    /// Starts a family; returns false (and ignores its samples) when `wants` drops it.
    @discardableResult
    public mutating func family(_ name: String, _ help: String, _ kind: Kind) -> Bool {
        enabled = wants(name)
        pendingHeader = enabled ? (name, help, kind) : nil
        currentName = Array(name.utf8)
        return enabled
    }

    private mutating func writeHeaderIfNeeded() {
        guard let header = pendingHeader else { return }
        pendingHeader = nil
        var familyName = header.name
        if format == .openMetrics, header.kind == .counter, familyName.hasSuffix("_total") {
            familyName.removeLast(6)
        }
        out.append("# HELP ")
        out.append(familyName)
        out.append(byte: 32)
        out.append(header.help)
        out.append("\n# TYPE ")
        out.append(familyName)
        switch header.kind {
        case .counter: out.append(" counter\n")
        case .gauge: out.append(" gauge\n")
        case .histogram: out.append(" histogram\n")
        }
    }

    /// One sample: `labels` is the preformatted `proxy="..",server=".."` text (may be empty), `extra` an
    /// additional preformatted label such as `code="2xx"`.
    public mutating func sample(_ labels: [UInt8], extra: String? = nil, suffix: String? = nil, _ value: Int) {
        guard enabled else { return }
        writeHeaderIfNeeded()
        startLine(labels, extra: extra, suffix: suffix)
        out.append(int: value)
        out.append(byte: 10)
    }

    /// `_bucket` samples (cumulative), `_sum` in seconds and `_count` of one histogram: `counts` per
    /// bucket (not cumulative), `+Inf` last; `bucketLabels` from `bucketLabels(_:)` for its layout,
    /// computed once per scrape.
    public mutating func histogram(_ labels: [UInt8], counts: [Int], sumMicroseconds: Int, bucketLabels: [[UInt8]]) {
        guard enabled else { return }
        writeHeaderIfNeeded()
        var cumulative = 0
        for (index, count) in counts.enumerated() {
            cumulative += count
            out.append(currentName)
            out.append("_bucket{")
            out.append(labels)
            if !labels.isEmpty { out.append(byte: UInt8(ascii: ",")) }
            out.append(bucketLabels[index])
            out.append(int: cumulative)
            out.append(byte: 10)
        }
        startLine(labels, extra: nil, suffix: "_sum")
        out.append(SecondsFormat.string(microseconds: sumMicroseconds))
        out.append(byte: 10)
        startLine(labels, extra: nil, suffix: "_count")
        out.append(int: cumulative)
        out.append(byte: 10)
    }

    private mutating func startLine(_ labels: [UInt8], extra: String?, suffix: String?) {
        out.append(currentName)
        if let suffix { out.append(suffix) }
        if labels.isEmpty && extra == nil {
            out.append(byte: 32)
            return
        }
        out.append(byte: UInt8(ascii: "{"))
        out.append(labels)
        if let extra {
            if !labels.isEmpty { out.append(byte: UInt8(ascii: ",")) }
            out.append(extra)
        }
        out.append("} ")
    }

    /// The exposition, with OpenMetrics' `# EOF` when that is the format.
    public mutating func finish() -> [UInt8] {
        if format == .openMetrics { out.append("# EOF\n") }
        return out.bytes
    }

    /// `name="value"` with the exposition format's escapes (backslash, quote, newline).
    public static func label(_ name: String, _ value: String) -> [UInt8] {
        var bytes = Array(name.utf8)
        bytes.append(contentsOf: "=\"".utf8)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(contentsOf: "\\\\".utf8)
            case UInt8(ascii: "\""): bytes.append(contentsOf: "\\\"".utf8)
            case 10: bytes.append(contentsOf: "\\n".utf8)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        return bytes
    }

    /// Several labels, comma-separated, in the order given.
    public static func labels(_ pairs: KeyValuePairs<String, String>) -> [UInt8] {
        var bytes: [UInt8] = []
        for (index, pair) in pairs.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: label(pair.key, pair.value))
        }
        return bytes
    }

    /// The `le` label of every bucket of `layout` as `histogram` writes it, closing brace included.
    public static func bucketLabels(_ layout: HistogramLayout) -> [[UInt8]] {
        layout.labels.map { Array("le=\"\($0)\"} ".utf8) }
    }
}
